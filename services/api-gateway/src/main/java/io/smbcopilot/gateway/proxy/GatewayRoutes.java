package io.smbcopilot.gateway.proxy;

import io.smbcopilot.gateway.auth.SigningKeys;
import io.smbcopilot.gateway.openapi.OpenApiMerger;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.nio.charset.StandardCharsets;

/**
 * The gateway's HTTP routes: its keys, the merged OpenAPI document, the tokens services get to act
 * for users, and the proxy.
 */
@ApplicationScoped
public class GatewayRoutes {
  public static final String JWKS_PATH = "/.well-known/internal-jwks.json";
  private final ProxyHandler proxy;
  private final SigningKeys keys;
  private final OpenApiMerger openApi;
  private final OnBehalfTokens onBehalf;

  public GatewayRoutes(
      ProxyHandler proxy, SigningKeys keys, OpenApiMerger openApi, OnBehalfTokens onBehalf) {
    this.onBehalf = onBehalf;
    this.proxy = proxy;
    this.keys = keys;
    this.openApi = openApi;
  }

  /** Its own documents answer GET, and HEAD like GET without the body (RFC 9110). */
  void install(@Observes Router router) {
    router
        .route(JWKS_PATH)
        .method(HttpMethod.GET)
        .method(HttpMethod.HEAD)
        .handler(
            ctx ->
                keys.jwks()
                    .subscribe()
                    .with(
                        body -> {
                          ctx.response().putHeader("Cache-Control", "max-age=1");
                          send(ctx, "application/jwk-set+json", body);
                        },
                        ctx::fail));
    router
        .route("/api/v1/openapi.json")
        .method(HttpMethod.GET)
        .method(HttpMethod.HEAD)
        .order(-100)
        .blockingHandler(ctx -> send(ctx, "application/json", openApi.document()), false);
    router
        .route(OnBehalfTokens.PATH)
        .method(HttpMethod.POST)
        .order(-60)
        .handler(io.vertx.ext.web.handler.BodyHandler.create().setBodyLimit(4096))
        .handler(onBehalf::handle);
    router.route("/api/v1/*").order(-50).handler(proxy::handle);
  }

  /** The document, or for HEAD its headers alone (the same Content-Length, no body). */
  private static void send(RoutingContext ctx, String contentType, String body) {
    send(ctx, contentType, Buffer.buffer(body.getBytes(StandardCharsets.UTF_8)));
  }

  /** A document the gateway answers itself; for HEAD its headers alone. */
  public static void send(RoutingContext ctx, String contentType, Buffer body) {
    ctx.response()
        .putHeader("Content-Type", contentType)
        .putHeader("Content-Length", String.valueOf(body.length()));
    if (ctx.request().method() == HttpMethod.HEAD) {
      ctx.response().end();
    } else {
      ctx.response().end(body);
    }
  }
}
