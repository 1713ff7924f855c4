package io.smbcopilot.gateway.auth;

import io.smbcopilot.gateway.config.GatewayConfig;
import io.smbcopilot.security.JwksCache;
import io.smbcopilot.security.JwtVerifier;
import io.smbcopilot.security.TokenRejectedException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jose4j.jwt.JwtClaims;

/**
 * Verifies Keycloak access tokens: signature against the realm's keys (cached; reloaded when a
 * token names an unknown key, which is how rotation shows), issuer, audience, expiry. A verified
 * token is remembered until it expires, so each token is verified once.
 */
@ApplicationScoped
public class KeycloakTokens {
  private static final int MAX_REMEMBERED = 20_000;

  /** A verified token: its subject, until when. */
  public record Verified(String subject, long expiresAtMillis) {}

  private final JwtVerifier verifier;
  private final Vertx vertx;
  private final Map<String, Verified> verified = new ConcurrentHashMap<>();

  public KeycloakTokens(GatewayConfig config, Vertx vertx) {
    this.vertx = vertx;
    String realmUrl = config.keycloakUrl() + "/realms/" + config.realm();
    URI certs = URI.create(realmUrl + "/protocol/openid-connect/certs");
    JwksCache keys =
        new JwksCache(JwksCache.fromUrl(certs), Duration.ofSeconds(10), Duration.ofHours(1));
    this.verifier =
        new JwtVerifier(
            keys,
            config.tokenIssuer().orElse(realmUrl),
            config.audience(),
            List.of("RS256", "RS384", "RS512", "PS256", "ES256", "ES384"),
            0);
  }

  /** The token's subject, or a failed future with {@link TokenRejectedException}. */
  public Future<String> verify(String token) {
    Verified known = verified.get(token);
    if (known != null) {
      if (System.currentTimeMillis() < known.expiresAtMillis()) {
        return Future.succeededFuture(known.subject());
      }
      verified.remove(token);
    }
    if (verifier.needsKeys(token)) {
      return vertx.executeBlocking(
          () -> {
            verifier.keys().refresh();
            return check(token);
          },
          false);
    }
    try {
      return Future.succeededFuture(check(token));
    } catch (TokenRejectedException e) {
      return Future.failedFuture(e);
    }
  }

  private String check(String token) throws TokenRejectedException {
    JwtClaims claims = verifier.verify(token);
    try {
      String subject = claims.getSubject();
      long exp = claims.getExpirationTime().getValueInMillis();
      if (verified.size() >= MAX_REMEMBERED) {
        verified.clear();
      }
      verified.put(token, new Verified(subject, exp));
      return subject;
    } catch (org.jose4j.jwt.MalformedClaimException e) {
      throw new TokenRejectedException("malformed claims", e);
    }
  }
}
