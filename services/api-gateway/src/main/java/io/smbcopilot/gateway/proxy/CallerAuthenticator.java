package io.smbcopilot.gateway.proxy;

import io.smbcopilot.gateway.auth.AuthServiceClient;
import io.smbcopilot.gateway.auth.KeycloakTokens;
import io.smbcopilot.gateway.auth.Principal;
import io.smbcopilot.gateway.route.Route;
import io.smbcopilot.problem.ProblemType;
import io.smbcopilot.security.TokenRejectedException;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServerRequest;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;

/**
 * Who is calling through the gateway, and whether the route lets them: a Keycloak access token
 * ({@code Authorization: Bearer}) or an API key ({@code X-API-Key}, or a bearer that starts with
 * {@code smbc_}), resolved to a tenant's principal by auth-service; then the route's permission.
 */
@ApplicationScoped
public class CallerAuthenticator {
  private final KeycloakTokens keycloak;
  private final AuthServiceClient auth;

  public CallerAuthenticator(KeycloakTokens keycloak, AuthServiceClient auth) {
    this.keycloak = keycloak;
    this.auth = auth;
  }

  /** The caller admitted to the route, or a failed future with a {@link GatewayProblem}. */
  public Future<Principal> admit(HttpServerRequest request, Route route) {
    return authenticate(request, route).compose(principal -> authorize(principal, route));
  }

  private Future<Principal> authenticate(HttpServerRequest request, Route route) {
    if (route.isPublic()) {
      return Future.succeededFuture(Principal.ANONYMOUS);
    }
    String apiKey = request.getHeader("X-API-Key");
    String authorization = request.getHeader("Authorization");
    String bearer =
        authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
            ? authorization.substring(7).trim()
            : null;
    if (apiKey == null && bearer != null && bearer.startsWith("smbc_")) {
      apiKey = bearer;
    }
    if (apiKey != null) {
      return auth.apiKey(apiKey.trim())
          .map(
              found ->
                  found.orElseThrow(
                      () ->
                          new GatewayProblem(
                              ProblemType.UNAUTHORIZED,
                              "the API key is not valid (unknown, revoked or expired)",
                              Map.of("WWW-Authenticate", "Bearer"))));
    }
    if (bearer == null) {
      return Future.failedFuture(
          new GatewayProblem(
              ProblemType.UNAUTHORIZED,
              "sign in (Authorization: Bearer <access token>) or send an API key",
              Map.of("WWW-Authenticate", "Bearer")));
    }
    return keycloak
        .verify(bearer)
        .recover(
            e ->
                Future.failedFuture(
                    e instanceof TokenRejectedException rejected
                        ? new GatewayProblem(
                            ProblemType.UNAUTHORIZED,
                            "access token rejected: " + rejected.getMessage(),
                            Map.of("WWW-Authenticate", "Bearer error=\"invalid_token\""))
                        : e instanceof KeycloakTokens.Unavailable
                            ? new GatewayProblem(
                                ProblemType.SERVICE_UNAVAILABLE,
                                "the identity provider cannot be reached to check the token;"
                                    + " try again",
                                Map.of("Retry-After", "5"))
                            : e))
        .compose(auth::user)
        .map(
            found ->
                found.orElseThrow(
                    () ->
                        new GatewayProblem(
                            ProblemType.FORBIDDEN, "your account belongs to no tenant")));
  }

  private static Future<Principal> authorize(Principal principal, Route route) {
    if (route.permission() != null && !principal.has(route.permission())) {
      return Future.failedFuture(
          new GatewayProblem(
              ProblemType.FORBIDDEN, "this needs the permission " + route.permission().value()));
    }
    return Future.succeededFuture(principal);
  }
}
