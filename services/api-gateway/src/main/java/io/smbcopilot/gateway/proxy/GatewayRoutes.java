package io.smbcopilot.gateway.proxy;

import io.smbcopilot.gateway.auth.SigningKeys;
import io.smbcopilot.gateway.openapi.OpenApiMerger;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/** The gateway's HTTP routes: its keys, the merged OpenAPI document, and the proxy. */
@ApplicationScoped
public class GatewayRoutes {
  public static final String JWKS_PATH = "/.well-known/internal-jwks.json";
  private final ProxyHandler proxy;
  private final SigningKeys keys;
  private final OpenApiMerger openApi;

  public GatewayRoutes(ProxyHandler proxy, SigningKeys keys, OpenApiMerger openApi) {
    this.proxy = proxy;
    this.keys = keys;
    this.openApi = openApi;
  }

  void install(@Observes Router router) {
    router
        .get(JWKS_PATH)
        .handler(
            ctx ->
                keys.jwks()
                    .subscribe()
                    .with(
                        body ->
                            ctx.response()
                                .putHeader("Content-Type", "application/jwk-set+json")
                                .putHeader("Cache-Control", "max-age=1")
                                .end(body),
                        ctx::fail));
    router
        .get("/api/v1/openapi.json")
        .order(-100)
        .blockingHandler(
            ctx ->
                ctx.response()
                    .putHeader("Content-Type", "application/json")
                    .end(openApi.document()),
            false);
    router.route("/api/v1/*").order(-50).handler(proxy::handle);
  }
}
