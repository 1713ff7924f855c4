package io.smbcopilot.gateway.proxy;

import io.smbcopilot.gateway.auth.Principal;
import io.smbcopilot.gateway.auth.SigningKeys;
import io.smbcopilot.gateway.config.GatewayConfig;
import io.smbcopilot.gateway.route.Route;
import io.smbcopilot.gateway.route.RouteTable;
import io.smbcopilot.problem.ProblemType;
import io.smbcopilot.security.InternalToken;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.jboss.logging.Logger;

/**
 * Forwards an admitted request to its upstream and streams the answer back: the internal token in
 * place of the client's credential, the body streamed within the route's limit, each upstream
 * behind its {@link UpstreamGuard} (circuit breaker, retries), failures as problems (503 with
 * Retry-After while the breaker is open or the upstream cannot be reached, 504 for a timeout, 413
 * for a body over the limit).
 */
@ApplicationScoped
public class UpstreamForwarder {
  private static final Logger LOG = Logger.getLogger(UpstreamForwarder.class);
  private static final Set<HttpMethod> IDEMPOTENT =
      Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS, HttpMethod.DELETE);

  private final SigningKeys keys;
  private final HttpClient client;
  private final Map<String, URI> upstreams = new HashMap<>();
  private final Map<String, UpstreamGuard> guards = new HashMap<>();

  public UpstreamForwarder(
      RouteTable routes, SigningKeys keys, GatewayConfig config, Vertx vertx, Config settings) {
    this.keys = keys;
    this.client =
        vertx.createHttpClient(
            new HttpClientOptions()
                .setKeepAlive(true)
                .setTcpNoDelay(true)
                .setConnectTimeout(2000)
                .setDecompressionSupported(false),
            new PoolOptions().setHttp1MaxSize(64));
    for (String service : routes.upstreams()) {
      String url =
          settings
              .getOptionalValue("copilot.services." + service + ".url", String.class)
              .orElse("http://" + service + ":8080");
      upstreams.put(service, URI.create(url));
      guards.put(
          service,
          new UpstreamGuard(
              service,
              config.circuitBreaker().failureThreshold(),
              config.circuitBreaker().openFor(),
              config.retries()));
    }
  }

  /** What the forwarder needs to know of an admitted request. */
  public record Admitted(
      Route route,
      String path,
      String requestId,
      String clientIp,
      Principal principal,
      Map<String, String> rateHeaders,
      long bodyLimit) {}

  public void forward(HttpServerRequest request, Admitted admitted) {
    HttpServerResponse response = request.response();
    Route route = admitted.route();
    URI upstream = upstreams.get(route.upstream());
    UpstreamGuard guard = guards.get(route.upstream());
    Principal principal = admitted.principal();
    // shared by the caller's calls for a while; the request id goes in X-Request-Id
    String token =
        keys.signer()
            .signShared(
                new InternalToken(
                    principal.tenantId(),
                    principal.subject(),
                    principal.type(),
                    principal.roles(),
                    principal.permissions(),
                    principal.scopes(),
                    admitted.requestId(),
                    admitted.clientIp(),
                    principal.plan()));
    String query = request.query();
    RequestOptions options =
        new RequestOptions()
            .setMethod(request.method())
            .setHost(upstream.getHost())
            .setPort(upstream.getPort())
            .setURI(query == null ? admitted.path() : admitted.path() + "?" + query)
            .setIdleTimeout(route.timeout().toMillis())
            .setHeaders(
                ProxyHeaders.upstream(request, token, admitted.requestId(), admitted.clientIp()));
    // HTTP/1.1 announces a body with Content-Length or Transfer-Encoding; HTTP/2 need not.
    boolean hasBody =
        request.getHeader("Content-Length") != null
            ? !"0".equals(request.getHeader("Content-Length").trim())
            : request.getHeader("Transfer-Encoding") != null
                || (request.version() == HttpVersion.HTTP_2 && !request.isEnded());
    LimitedStream body = hasBody ? new LimitedStream(request, admitted.bodyLimit()) : null;
    boolean retryable = !hasBody && IDEMPOTENT.contains(request.method());
    Context context = Vertx.currentContext();
    CompletionStage<HttpClientResponse> sent =
        guard.call(
            retryable,
            () ->
                client
                    .request(options)
                    .compose(
                        (HttpClientRequest upstreamRequest) -> {
                          if (!hasBody) {
                            return held(upstreamRequest.send());
                          }
                          if (request.getHeader("Content-Length") == null) {
                            upstreamRequest.setChunked(true);
                          }
                          return held(upstreamRequest.send(body));
                        })
                    .toCompletionStage());
    Future.fromCompletionStage(sent, context)
        .onSuccess(
            upstreamResponse -> {
              if (body != null && body.exceeded()) {
                // The upstream saw a cut body and answered it; the client gets the real reason.
                upstreamResponse.request().reset();
                tooLarge(request, admitted);
                return;
              }
              relay(response, upstreamResponse, upstream, admitted.rateHeaders());
            })
        .onFailure(failure -> failed(request, admitted, guard, body, upstream, failure));
  }

  private void failed(
      HttpServerRequest request,
      Admitted admitted,
      UpstreamGuard guard,
      LimitedStream body,
      URI upstream,
      Throwable failure) {
    Throwable cause = UpstreamGuard.unwrap(failure);
    String name = admitted.route().upstream();
    if (cause instanceof LimitedStream.TooLarge || (body != null && body.exceeded())) {
      tooLarge(request, admitted);
    } else if (cause instanceof UpstreamGuard.BadStatus bad) {
      relay(request.response(), bad.response, upstream, admitted.rateHeaders());
    } else if (cause instanceof CircuitBreakerOpenException) {
      Problems.send(
          request.response(),
          ProblemType.SERVICE_UNAVAILABLE,
          name + " is failing; its circuit breaker is open",
          admitted.path(),
          admitted.requestId(),
          Map.of("Retry-After", Long.toString(guard.retryAfterSeconds())));
    } else if (cause instanceof UpstreamGuard.Unreachable) {
      // the service is down or restarting (refused, or dropped the connection): a passing outage,
      // as a load balancer with no ready target says it (503 and when to try again)
      LOG.debugf("upstream %s unreachable for %s: %s", name, admitted.requestId(), cause);
      Problems.send(
          request.response(),
          ProblemType.SERVICE_UNAVAILABLE,
          name + " cannot be reached; try again",
          admitted.path(),
          admitted.requestId(),
          Map.of("Retry-After", "1"));
    } else {
      boolean timeout = cause instanceof UpstreamGuard.TimedOut;
      LOG.debugf("upstream %s failed for %s: %s", name, admitted.requestId(), cause);
      Problems.send(
          request.response(),
          timeout ? ProblemType.GATEWAY_TIMEOUT : ProblemType.BAD_GATEWAY,
          timeout ? name + " did not answer in time" : name + " cannot be reached",
          admitted.path(),
          admitted.requestId(),
          Map.of());
    }
  }

  private static void tooLarge(HttpServerRequest request, Admitted admitted) {
    Problems.send(
        request.response(),
        ProblemType.PAYLOAD_TOO_LARGE,
        "the body is larger than the " + admitted.bodyLimit() + " bytes this route takes",
        admitted.path(),
        admitted.requestId(),
        ProxyHandler.closeAfter(request));
  }

  private static void relay(
      HttpServerResponse response,
      HttpClientResponse upstream,
      URI origin,
      Map<String, String> rateHeaders) {
    if (response.closed()) {
      upstream.request().reset();
      return;
    }
    response.setStatusCode(upstream.statusCode());
    if (upstream.statusMessage() != null) {
      response.setStatusMessage(upstream.statusMessage());
    }
    ProxyHeaders.relay(upstream, response, origin, rateHeaders);
    if (upstream.getHeader("Content-Length") == null) {
      response.setChunked(true);
    }
    // A client gone mid-response (a streamed answer) ends the upstream's request too, so the
    // service stops its work (a model call) rather than answer nobody.
    response.closeHandler(
        closed -> {
          if (!response.ended()) {
            upstream.request().reset(); // never a finished request: its connection is pooled again
          }
        });
    upstream.pipeTo(response);
  }

  /**
   * The response, held until it is relayed (on the request's context, after the guard). A listener
   * of the response's own future pauses it as its head is handled: a future composed from it can be
   * told later, in a task of its own, after Vert.x handed the first chunks to a response with no
   * handler (they would be lost).
   */
  private static Future<HttpClientResponse> held(Future<HttpClientResponse> response) {
    return response.onSuccess(HttpClientResponse::pause);
  }
}
