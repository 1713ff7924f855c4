package io.smbcopilot.gateway.auth;

import io.quarkus.cache.Cache;
import io.quarkus.cache.CacheName;
import io.quarkus.oidc.AccessTokenCredential;
import io.quarkus.oidc.OIDCException;
import io.quarkus.oidc.TenantIdentityProvider;
import io.quarkus.security.AuthenticationFailedException;
import io.smallrye.mutiny.Uni;
import io.smbcopilot.problem.ProblemMappers;
import io.smbcopilot.security.TokenRejectedException;
import io.vertx.core.Future;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jose4j.jwt.consumer.ErrorCodes;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.lang.UnresolvableKeyException;

/**
 * Verifies Keycloak access tokens with quarkus-oidc (the default tenant: the realm's keys, reloaded
 * when a token names an unknown key, issuer, audience, expiry), for the proxy, which asks only for
 * bearer tokens that are not API keys. A verified token is remembered in a size-bounded
 * quarkus-cache cache ({@value #CACHE}, {@code copilot.gateway.access-token-cache-ttl}) and is good
 * until its own expiry: verifying every request cost a fifth of the gateway's throughput (decision
 * 0004).
 */
@ApplicationScoped
public class KeycloakTokens {
  /** The cache of verified access tokens. */
  public static final String CACHE = "gateway-access-tokens";

  /** A verified token: whose it is, the client it was issued to (azp), and until when. */
  public record Verified(String subject, String client, long expiresAtSeconds) {}

  private final TenantIdentityProvider oidc;

  @CacheName(CACHE)
  Cache verified;

  public KeycloakTokens(TenantIdentityProvider oidc) {
    this.oidc = oidc;
  }

  /** Keycloak could not be asked for its keys: the token is neither accepted nor refused. */
  public static class Unavailable extends RuntimeException {
    Unavailable(Throwable cause) {
      super("the identity provider cannot be reached", cause);
    }
  }

  /**
   * The token's subject, or a failed future with {@link TokenRejectedException} (or {@link
   * Unavailable} when Keycloak's keys cannot be had).
   */
  public Future<String> verify(String token) {
    return claims(token).map(Verified::subject);
  }

  /** The verified token, or a failed future as {@link #verify} says. */
  public Future<Verified> claims(String token) {
    Uni<Verified> check =
        verified.getAsync(
            token,
            t ->
                oidc.authenticate(new AccessTokenCredential(t))
                    .map(
                        identity -> {
                          JsonWebToken jwt = (JsonWebToken) identity.getPrincipal();
                          Object azp = jwt.getClaim("azp");
                          return new Verified(
                              jwt.getSubject(),
                              azp == null ? null : azp.toString(),
                              jwt.getExpirationTime());
                        }));
    return Future.fromCompletionStage(check.subscribeAsCompletionStage())
        .compose(
            found -> {
              if (Instant.now().getEpochSecond() >= found.expiresAtSeconds()) {
                verified.invalidate(token).subscribe().with(ignored -> {});
                return Future.failedFuture(new TokenRejectedException("the token has expired"));
              }
              return Future.succeededFuture(found);
            })
        .recover(
            e ->
                Future.failedFuture(
                    e instanceof TokenRejectedException
                        ? e
                        : e instanceof OIDCException
                                || ProblemMappers.causedBy(e, java.net.ConnectException.class)
                            ? new Unavailable(e)
                            : e instanceof AuthenticationFailedException
                                ? new TokenRejectedException(reason(e), e)
                                : e));
  }

  /** Why the token was refused, in words a client developer can act on. */
  static String reason(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof InvalidJwtException invalid) {
        if (invalid.hasExpired()) {
          return "the token has expired";
        }
        if (invalid.hasErrorCode(ErrorCodes.AUDIENCE_INVALID)
            || invalid.hasErrorCode(ErrorCodes.AUDIENCE_MISSING)) {
          return "the token's audience is not this API";
        }
        if (invalid.hasErrorCode(ErrorCodes.ISSUER_INVALID)) {
          return "the token's issuer is not this platform's realm";
        }
        if (invalid.hasErrorCode(ErrorCodes.SIGNATURE_INVALID)) {
          return "the token's signature is not valid";
        }
      }
      if (t instanceof UnresolvableKeyException) {
        return "the token is signed by a key the realm does not have";
      }
    }
    return "the token could not be verified";
  }
}
