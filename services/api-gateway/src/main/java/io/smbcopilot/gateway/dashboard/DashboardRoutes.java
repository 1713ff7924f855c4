package io.smbcopilot.gateway.dashboard;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.smbcopilot.gateway.config.GatewayConfig;
import io.smbcopilot.gateway.proxy.GatewayRoutes;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * The web dashboard at {@code /}: its files are static resources of the dashboard jar ({@code
 * META-INF/resources}); hashed files under {@code /assets/} are cached for a year (the {@code
 * quarkus.http.filter.dashboard-assets} setting). This class answers the rest:
 *
 * <ul>
 *   <li>{@code GET /api/v1/client-config}: where the browser signs in (the realm's issuer as
 *       clients see it) and with which client;
 *   <li>the single-page app's routes: any other path without a file extension, outside {@code
 *       /api/}, {@code /q/}, {@code /internal/}, {@code /assets/} and {@code /.well-known/}, gets
 *       {@code index.html}, never cached, with the app's Content-Security-Policy.
 * </ul>
 */
@ApplicationScoped
public class DashboardRoutes {
  public static final String CLIENT_CONFIG_PATH = "/api/v1/client-config";
  private static final Logger LOG = Logger.getLogger(DashboardRoutes.class);

  /** The app's routes: not the API, management, internal, assets or files with an extension. */
  static final String APP_ROUTES =
      "^/(?!api/|api$|q/|q$|internal/|assets/|\\.well-known/)(?:[^.]*/)*[^./]*$";

  private final Buffer index;
  private final Buffer clientConfig;
  private final String contentSecurityPolicy;

  public DashboardRoutes(GatewayConfig config, ObjectMapper json) {
    String authority =
        config
            .tokenIssuer()
            .filter(s -> !s.isBlank())
            .orElse(config.keycloakUrl().replaceAll("/+$", "") + "/realms/" + config.realm());
    try {
      this.clientConfig =
          Buffer.buffer(
              json.writeValueAsBytes(
                  Map.of("authority", authority, "clientId", config.dashboardClientId())));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    this.contentSecurityPolicy = contentSecurityPolicy(authority);
    this.index = resource("META-INF/resources/index.html");
    if (index == null) {
      LOG.info("the dashboard is not on the classpath: / serves nothing");
    }
  }

  /** Scripts, styles and fonts only from the gateway; the API here; sign-in at Keycloak. */
  static String contentSecurityPolicy(String authority) {
    URI uri = URI.create(authority);
    String keycloak =
        uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
    return "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:;"
        + " font-src 'self'; connect-src 'self' "
        + keycloak
        + "; form-action 'self' "
        + keycloak
        + "; frame-src "
        + keycloak
        + "; base-uri 'self'; object-src 'none'; frame-ancestors 'none'";
  }

  void install(@Observes Router router) {
    router
        .route(CLIENT_CONFIG_PATH)
        .method(HttpMethod.GET)
        .method(HttpMethod.HEAD)
        .order(-100)
        .handler(
            ctx -> {
              ctx.response().putHeader("Cache-Control", "no-cache");
              GatewayRoutes.send(ctx, "application/json", clientConfig);
            });
    if (index != null) {
      router
          .routeWithRegex(APP_ROUTES)
          .method(HttpMethod.GET)
          .method(HttpMethod.HEAD)
          .order(-40)
          .handler(
              ctx -> {
                ctx.response()
                    .putHeader("Cache-Control", "no-cache")
                    .putHeader("Content-Security-Policy", contentSecurityPolicy);
                GatewayRoutes.send(ctx, "text/html; charset=utf-8", index);
              });
    }
  }

  private static Buffer resource(String name) {
    try (InputStream in =
        Thread.currentThread().getContextClassLoader().getResourceAsStream(name)) {
      return in == null ? null : Buffer.buffer(in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
