package io.smbcopilot.security;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.AuthenticationRequest;
import io.quarkus.vertx.http.runtime.security.ChallengeData;
import io.quarkus.vertx.http.runtime.security.HttpAuthenticationMechanism;
import io.quarkus.vertx.http.runtime.security.HttpSecurityUtils;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Set;

/**
 * Quarkus Security's mechanism for the gateway's internal token: every request but {@code /q/*}
 * must carry one ({@code Authorization: Bearer}); a missing or rejected token fails the request
 * with 401 (written as a problem by {@link AuthenticationProblems}) before any route runs. The
 * gateway itself, which checks client credentials, turns this off ({@code
 * copilot.security.internal-auth=false}).
 */
@ApplicationScoped
public class InternalTokenMechanism implements HttpAuthenticationMechanism {
  private static final String BEARER = "Bearer ";
  private final boolean enabled;

  public InternalTokenMechanism(SecurityConfig config) {
    this.enabled = config.internalAuth();
  }

  @Override
  public Uni<SecurityIdentity> authenticate(
      RoutingContext context, IdentityProviderManager identityProviderManager) {
    if (!enabled || context.normalizedPath().startsWith("/q/")) {
      return Uni.createFrom().nullItem();
    }
    String header = context.request().getHeader(HttpHeaders.AUTHORIZATION);
    if (header == null || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      return Uni.createFrom()
          .failure(
              new AuthenticationFailedException(
                  "services accept only calls through the gateway (internal token missing)"));
    }
    InternalTokenRequest request =
        new InternalTokenRequest(header.substring(BEARER.length()).trim());
    return identityProviderManager.authenticate(
        HttpSecurityUtils.setRoutingContextAttribute(request, context));
  }

  @Override
  public Uni<ChallengeData> getChallenge(RoutingContext context) {
    return Uni.createFrom().item(new ChallengeData(401, "WWW-Authenticate", "Bearer"));
  }

  @Override
  public Set<Class<? extends AuthenticationRequest>> getCredentialTypes() {
    return Set.of(InternalTokenRequest.class);
  }
}
