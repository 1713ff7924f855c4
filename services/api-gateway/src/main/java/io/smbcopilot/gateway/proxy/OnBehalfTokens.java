package io.smbcopilot.gateway.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smbcopilot.gateway.auth.AuthServiceClient;
import io.smbcopilot.gateway.auth.KeycloakTokens;
import io.smbcopilot.gateway.auth.Principal;
import io.smbcopilot.gateway.auth.SigningKeys;
import io.smbcopilot.gateway.config.GatewayConfig;
import io.smbcopilot.problem.ProblemType;
import io.smbcopilot.problem.RequestId;
import io.smbcopilot.security.InternalToken;
import io.smbcopilot.security.TokenRejectedException;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;

/**
 * {@code POST /internal/v1/on-behalf-tokens}: a platform service acting for a user (the workflow
 * worker, for a workflow's owner) gets an internal token of that user as they are now: their
 * tenant, roles and permissions, asked of auth-service (cached as briefly as any caller's). The
 * caller proves itself with a Keycloak access token of a client named in {@code
 * copilot.gateway.on-behalf-clients} (its service account, client credentials); a user who is no
 * member of the tenant any more gets a 403 naming that. Never routed from the public API.
 */
@ApplicationScoped
public class OnBehalfTokens {
  public static final String PATH = "/internal/v1/on-behalf-tokens";

  private final KeycloakTokens keycloak;
  private final AuthServiceClient auth;
  private final SigningKeys keys;
  private final GatewayConfig config;
  private final ObjectMapper json = new ObjectMapper();

  public OnBehalfTokens(
      KeycloakTokens keycloak, AuthServiceClient auth, SigningKeys keys, GatewayConfig config) {
    this.keycloak = keycloak;
    this.auth = auth;
    this.keys = keys;
    this.config = config;
  }

  /** What the caller asks: whose token, in which tenant. */
  record Ask(String tenantId, String userId) {}

  void handle(RoutingContext ctx) {
    String requestId = RequestId.keepOrGenerate(ctx.request().getHeader(RequestId.HEADER));
    String authorization = ctx.request().getHeader("Authorization");
    String bearer =
        authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
            ? authorization.substring(7).trim()
            : null;
    if (bearer == null) {
      fail(ctx, requestId, ProblemType.UNAUTHORIZED, "a service account's access token is needed");
      return;
    }
    Ask ask;
    try {
      JsonNode body = json.readTree(ctx.body().asString());
      ask = new Ask(body.path("tenantId").asText(null), body.path("userId").asText(null));
    } catch (Exception e) {
      ask = new Ask(null, null);
    }
    if (ask.tenantId() == null || ask.userId() == null) {
      fail(ctx, requestId, ProblemType.BAD_REQUEST, "tenantId and userId are required");
      return;
    }
    Ask asked = ask;
    keycloak
        .claims(bearer)
        .compose(
            verified -> {
              if (verified.client() == null
                  || !config.onBehalfClients().contains(verified.client())) {
                return Future.failedFuture(
                    new GatewayProblem(
                        ProblemType.FORBIDDEN,
                        "this client may not act for users: " + verified.client()));
              }
              return auth.user(asked.userId());
            })
        .onSuccess(
            found -> {
              Principal p = found.orElse(null);
              if (p == null || !asked.tenantId().equals(p.tenantId())) {
                fail(
                    ctx,
                    requestId,
                    ProblemType.FORBIDDEN,
                    "the user " + asked.userId() + " is no member of the tenant any more");
                return;
              }
              String token =
                  keys.signer()
                      .sign(
                          new InternalToken(
                              p.tenantId(),
                              p.subject(),
                              p.type(),
                              p.roles(),
                              p.permissions(),
                              p.scopes(),
                              requestId,
                              null,
                              p.plan()));
              String answer;
              try {
                answer =
                    json.writeValueAsString(
                        Map.of(
                            "token",
                            token,
                            "expiresIn",
                            config.internalTokenLifetime().toSeconds(),
                            "permissions",
                            p.permissions(),
                            "plan",
                            p.plan() == null ? "" : p.plan()));
              } catch (Exception e) {
                ctx.fail(e);
                return;
              }
              ctx.response()
                  .putHeader("Content-Type", "application/json")
                  .putHeader("Cache-Control", "no-store")
                  .putHeader(RequestId.HEADER, requestId)
                  .end(Buffer.buffer(answer));
            })
        .onFailure(
            e -> {
              if (e instanceof GatewayProblem g) {
                fail(ctx, requestId, g.type(), g.getMessage());
              } else if (e instanceof TokenRejectedException r) {
                fail(ctx, requestId, ProblemType.UNAUTHORIZED, "token rejected: " + r.getMessage());
              } else if (e instanceof KeycloakTokens.Unavailable) {
                fail(
                    ctx,
                    requestId,
                    ProblemType.SERVICE_UNAVAILABLE,
                    "the identity provider cannot be reached; try again");
              } else {
                fail(
                    ctx,
                    requestId,
                    ProblemType.SERVICE_UNAVAILABLE,
                    "the user's membership cannot be checked now; try again");
              }
            });
  }

  private static void fail(RoutingContext ctx, String requestId, ProblemType type, String detail) {
    Problems.send(ctx.response(), type, detail, PATH, requestId, Map.of());
  }
}
