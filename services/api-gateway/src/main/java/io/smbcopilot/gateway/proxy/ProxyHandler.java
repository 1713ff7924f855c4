package io.smbcopilot.gateway.proxy;

import io.smbcopilot.gateway.config.GatewayConfig;
import io.smbcopilot.gateway.ratelimit.RateLimitPolicy;
import io.smbcopilot.gateway.route.Route;
import io.smbcopilot.gateway.route.RouteTable;
import io.smbcopilot.problem.ProblemType;
import io.smbcopilot.problem.RequestId;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The reverse proxy of {@code /api/v1/**}: finds the route, checks the announced body size, then
 * admits the caller ({@link CallerAuthenticator}), applies the rate limits ({@link
 * RateLimitPolicy}) and forwards ({@link UpstreamForwarder}). Bodies are never held whole in
 * memory.
 */
@ApplicationScoped
public class ProxyHandler {
  private static final Logger LOG = Logger.getLogger(ProxyHandler.class);

  private final RouteTable routes;
  private final CallerAuthenticator callers;
  private final RateLimitPolicy rateLimits;
  private final UpstreamForwarder forwarder;
  private final GatewayConfig config;

  public ProxyHandler(
      RouteTable routes,
      CallerAuthenticator callers,
      RateLimitPolicy rateLimits,
      UpstreamForwarder forwarder,
      GatewayConfig config) {
    this.routes = routes;
    this.callers = callers;
    this.rateLimits = rateLimits;
    this.forwarder = forwarder;
    this.config = config;
  }

  public void handle(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    HttpServerResponse response = ctx.response();
    String requestId = RequestId.keepOrGenerate(request.getHeader(RequestId.HEADER));
    response.putHeader(RequestId.HEADER, requestId);
    String path = ctx.normalizedPath();
    if (request.uri().length() > config.maxUriLength()) {
      Problems.send(
          response,
          ProblemType.URI_TOO_LONG,
          "the path and query are longer than " + config.maxUriLength() + " characters",
          path.length() > 200 ? path.substring(0, 200) : path,
          requestId,
          Map.of());
      return;
    }
    Optional<Route> match = routes.match(request.method().name(), path);
    if (match.isEmpty()) {
      boolean known = routes.knowsPath(path);
      Problems.send(
          response,
          known ? ProblemType.METHOD_NOT_ALLOWED : ProblemType.NOT_FOUND,
          known ? request.method() + " is not allowed here" : "no such route: " + path,
          path,
          requestId,
          Map.of());
      return;
    }
    Route route = match.get();
    long limit =
        route.upload() ? config.uploadLimit().asLongValue() : config.bodyLimit().asLongValue();
    String length = request.getHeader("Content-Length");
    if (length != null) {
      try {
        if (Long.parseLong(length.trim()) > limit) {
          Problems.send(
              response,
              ProblemType.PAYLOAD_TOO_LARGE,
              "the body is larger than the " + limit + " bytes this route takes",
              path,
              requestId,
              closeAfter(request));
          return;
        }
      } catch (NumberFormatException e) {
        Problems.send(
            response, ProblemType.BAD_REQUEST, "bad Content-Length", path, requestId, Map.of());
        return;
      }
    }
    request.pause();
    String clientIp =
        request.remoteAddress() == null ? null : request.remoteAddress().hostAddress();
    callers
        .admit(request, route)
        .compose(
            principal ->
                rateLimits
                    .apply(principal)
                    .map(
                        headers ->
                            new UpstreamForwarder.Admitted(
                                route, path, requestId, clientIp, principal, headers, limit)))
        .onSuccess(admitted -> forwarder.forward(request, admitted))
        .onFailure(
            failure -> {
              if (failure instanceof GatewayProblem problem) {
                Problems.send(
                    response,
                    problem.type(),
                    problem.getMessage(),
                    path,
                    requestId,
                    problem.headers());
              } else {
                LOG.warnf(
                    "request %s failed before its upstream: %s", requestId, failure.toString());
                Problems.send(
                    response,
                    ProblemType.SERVICE_UNAVAILABLE,
                    "the gateway cannot check this request now; try again",
                    path,
                    requestId,
                    Map.of("Retry-After", "1"));
              }
            });
  }

  /** HTTP/1.x: close a connection whose request body was not read; HTTP/2 has no such header. */
  static Map<String, String> closeAfter(HttpServerRequest request) {
    return request.version() == HttpVersion.HTTP_2 ? Map.of() : Map.of("Connection", "close");
  }
}
