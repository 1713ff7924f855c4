package io.smbcopilot.gateway.proxy;

import io.smbcopilot.gateway.auth.AuthServiceClient;
import io.smbcopilot.gateway.auth.KeycloakTokens;
import io.smbcopilot.gateway.auth.Principal;
import io.smbcopilot.gateway.auth.SigningKeys;
import io.smbcopilot.gateway.config.GatewayConfig;
import io.smbcopilot.gateway.ratelimit.RateLimiter;
import io.smbcopilot.gateway.route.Route;
import io.smbcopilot.gateway.route.RouteTable;
import io.smbcopilot.problem.ProblemType;
import io.smbcopilot.problem.RequestId;
import io.smbcopilot.security.InternalToken;
import io.smbcopilot.security.TokenRejectedException;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.config.Config;
import org.jboss.logging.Logger;

/**
 * The reverse proxy of {@code /api/v1/**}: finds the route, authenticates the caller (Keycloak
 * token or API key), checks the route's permission, applies the rate limits, mints the internal
 * token in place of the client's credential and streams the request and the answer through. Bodies
 * are never held whole in memory.
 */
@ApplicationScoped
public class ProxyHandler {
  private static final Logger LOG = Logger.getLogger(ProxyHandler.class);
  static final Set<String> HOP_BY_HOP =
      Set.of(
          "connection",
          "keep-alive",
          "proxy-authenticate",
          "proxy-authorization",
          "te",
          "trailer",
          "transfer-encoding",
          "upgrade",
          "host");
  static final Set<String> CLIENT_CREDENTIALS =
      Set.of("authorization", "x-api-key", "cookie", "x-request-id", "forwarded");
  private static final Set<HttpMethod> IDEMPOTENT =
      Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS, HttpMethod.DELETE);

  private final RouteTable routes;
  private final KeycloakTokens keycloak;
  private final AuthServiceClient auth;
  private final SigningKeys keys;
  private final RateLimiter limiter;
  private final GatewayConfig config;
  private final Vertx vertx;
  private final HttpClient client;
  private final Map<String, URI> upstreams = new ConcurrentHashMap<>();
  private final Map<String, CircuitBreaker> breakers = new ConcurrentHashMap<>();

  public ProxyHandler(
      RouteTable routes,
      KeycloakTokens keycloak,
      AuthServiceClient auth,
      SigningKeys keys,
      RateLimiter limiter,
      GatewayConfig config,
      Vertx vertx,
      Config settings) {
    this.routes = routes;
    this.keycloak = keycloak;
    this.auth = auth;
    this.keys = keys;
    this.limiter = limiter;
    this.config = config;
    this.vertx = vertx;
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
      breakers.put(
          service,
          new CircuitBreaker(
              config.circuitBreaker().failureThreshold(), config.circuitBreaker().openFor()));
    }
  }

  public void handle(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    HttpServerResponse response = ctx.response();
    String requestId = RequestId.keepOrGenerate(request.getHeader(RequestId.HEADER));
    response.putHeader(RequestId.HEADER, requestId);
    String path = ctx.normalizedPath();
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
    authenticate(request, route)
        .compose(principal -> authorize(principal, route))
        .compose(principal -> rateLimit(principal).map(headers -> Map.entry(principal, headers)))
        .onSuccess(
            admitted ->
                forward(
                    ctx,
                    route,
                    path,
                    requestId,
                    clientIp,
                    admitted.getKey(),
                    admitted.getValue(),
                    limit,
                    0))
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
  private static Map<String, String> closeAfter(HttpServerRequest request) {
    return request.version() == io.vertx.core.http.HttpVersion.HTTP_2
        ? Map.of()
        : Map.of("Connection", "close");
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

  /** Applies the tenant's and the API key's buckets; the headers describe the tighter one. */
  private Future<Map<String, String>> rateLimit(Principal principal) {
    GatewayConfig.RateLimit settings = config.rateLimit();
    if (!settings.enabled() || principal.tenantId() == null) {
      return Future.succeededFuture(Map.of());
    }
    GatewayConfig.Plan plan =
        Optional.ofNullable(principal.plan())
            .map(p -> settings.plans().get(p))
            .orElseGet(() -> settings.plans().get(settings.defaultPlan()));
    if (plan == null) {
      return Future.succeededFuture(Map.of());
    }
    List<RateLimiter.Limit> limits = new java.util.ArrayList<>();
    if (plan.tenantPerMinute() > 0) {
      limits.add(
          new RateLimiter.Limit(
              "tenant:" + principal.tenantId(), plan.tenantBurst(), plan.tenantPerMinute() / 60.0));
    }
    if (principal.type() == io.smbcopilot.security.PrincipalType.API_KEY
        && plan.apiKeyPerMinute() > 0) {
      limits.add(
          new RateLimiter.Limit(
              "key:" + principal.subject(), plan.apiKeyBurst(), plan.apiKeyPerMinute() / 60.0));
    }
    Future<RateLimiter.Decision> chain = Future.succeededFuture(null);
    for (RateLimiter.Limit limit : limits) {
      chain =
          chain.compose(
              previous -> {
                if (previous != null && !previous.allowed()) {
                  return Future.succeededFuture(previous);
                }
                return Future.fromCompletionStage(
                        limiter.acquire(limit).subscribeAsCompletionStage())
                    .map(d -> tighter(previous, d));
              });
    }
    return chain.map(
        decision -> {
          if (decision == null) {
            return Map.of();
          }
          Map<String, String> headers = new LinkedHashMap<>();
          headers.put("RateLimit-Limit", Integer.toString(decision.limit()));
          headers.put("RateLimit-Remaining", Long.toString(decision.remaining()));
          headers.put("RateLimit-Reset", Long.toString(decision.resetSeconds()));
          if (!decision.allowed()) {
            headers.put("Retry-After", Long.toString(decision.retryAfterSeconds()));
            throw new GatewayProblem(
                ProblemType.RATE_LIMITED,
                "rate limit reached; retry after " + decision.retryAfterSeconds() + " s",
                headers);
          }
          return headers;
        });
  }

  private static RateLimiter.Decision tighter(RateLimiter.Decision a, RateLimiter.Decision b) {
    if (a == null) {
      return b;
    }
    if (!b.allowed()) {
      return b;
    }
    return b.remaining() < a.remaining() ? b : a;
  }

  private void forward(
      RoutingContext ctx,
      Route route,
      String path,
      String requestId,
      String clientIp,
      Principal principal,
      Map<String, String> rateHeaders,
      long bodyLimit,
      int attempt) {
    HttpServerRequest request = ctx.request();
    HttpServerResponse response = ctx.response();
    CircuitBreaker breaker = breakers.get(route.upstream());
    if (!breaker.allow()) {
      Problems.send(
          response,
          ProblemType.SERVICE_UNAVAILABLE,
          route.upstream() + " is failing; its circuit breaker is open",
          path,
          requestId,
          Map.of("Retry-After", Long.toString(breaker.retryAfterSeconds())));
      return;
    }
    URI upstream = upstreams.get(route.upstream());
    String token =
        keys.signer()
            .sign(
                new InternalToken(
                    principal.tenantId(),
                    principal.subject(),
                    principal.type(),
                    principal.roles(),
                    principal.permissions(),
                    principal.scopes(),
                    requestId,
                    clientIp,
                    principal.plan()));
    String query = request.query();
    RequestOptions options =
        new RequestOptions()
            .setMethod(request.method())
            .setHost(upstream.getHost())
            .setPort(upstream.getPort())
            .setURI(query == null ? path : path + "?" + query)
            .setIdleTimeout(route.timeout().toMillis());
    MultiMap headers =
        options.getHeaders() == null ? MultiMap.caseInsensitiveMultiMap() : options.getHeaders();
    for (Map.Entry<String, String> header : request.headers()) {
      String name = header.getKey().toLowerCase(Locale.ROOT);
      if (!HOP_BY_HOP.contains(name) && !CLIENT_CREDENTIALS.contains(name)) {
        headers.add(header.getKey(), header.getValue());
      }
    }
    headers.set("Authorization", "Bearer " + token);
    headers.set(RequestId.HEADER, requestId);
    if (clientIp != null) {
      headers.set("X-Forwarded-For", clientIp);
    }
    headers.set("X-Forwarded-Proto", request.scheme() == null ? "http" : request.scheme());
    if (request.authority() != null) {
      headers.set("X-Forwarded-Host", request.authority().toString());
    }
    options.setHeaders(headers);
    // HTTP/1.1 announces a body with Content-Length or Transfer-Encoding; HTTP/2 need not.
    boolean hasBody =
        request.getHeader("Content-Length") != null
            ? !"0".equals(request.getHeader("Content-Length").trim())
            : request.getHeader("Transfer-Encoding") != null
                || (request.version() == io.vertx.core.http.HttpVersion.HTTP_2
                    && !request.isEnded());
    LimitedStream body = hasBody ? new LimitedStream(request, bodyLimit) : null;
    client
        .request(options)
        .compose(
            (HttpClientRequest upstreamRequest) -> {
              if (!hasBody) {
                return upstreamRequest.send();
              }
              if (request.getHeader("Content-Length") == null) {
                upstreamRequest.setChunked(true);
              }
              return upstreamRequest.send(body);
            })
        .onSuccess(
            upstreamResponse -> {
              if (body != null && body.exceeded()) {
                // The upstream saw a cut body and answered it; the client gets the real reason.
                upstreamResponse.request().reset();
                Problems.send(
                    response,
                    ProblemType.PAYLOAD_TOO_LARGE,
                    "the body is larger than the " + bodyLimit + " bytes this route takes",
                    path,
                    requestId,
                    closeAfter(request));
                return;
              }
              relay(response, upstreamResponse, breaker, rateHeaders, upstream);
            })
        .onFailure(
            failure -> {
              if (failure instanceof LimitedStream.TooLarge || (body != null && body.exceeded())) {
                Problems.send(
                    response,
                    ProblemType.PAYLOAD_TOO_LARGE,
                    "the body is larger than the " + bodyLimit + " bytes this route takes",
                    path,
                    requestId,
                    closeAfter(request));
                return;
              }
              boolean timeout =
                  failure instanceof java.util.concurrent.TimeoutException
                      || failure.getClass().getSimpleName().contains("Timeout")
                      || String.valueOf(failure.getMessage()).contains("timeout");
              breaker.failure();
              if (!hasBody
                  && !timeout
                  && IDEMPOTENT.contains(request.method())
                  && attempt < config.retries()
                  && !response.headWritten()) {
                vertx.setTimer(
                    50L * (attempt + 1),
                    id ->
                        forward(
                            ctx,
                            route,
                            path,
                            requestId,
                            clientIp,
                            principal,
                            rateHeaders,
                            bodyLimit,
                            attempt + 1));
                return;
              }
              LOG.debugf("upstream %s failed for %s: %s", route.upstream(), requestId, failure);
              Problems.send(
                  response,
                  timeout ? ProblemType.GATEWAY_TIMEOUT : ProblemType.BAD_GATEWAY,
                  timeout
                      ? route.upstream() + " did not answer in time"
                      : route.upstream() + " cannot be reached",
                  path,
                  requestId,
                  Map.of());
            });
  }

  private static void relay(
      HttpServerResponse response,
      HttpClientResponse upstream,
      CircuitBreaker breaker,
      Map<String, String> rateHeaders,
      URI origin) {
    int status = upstream.statusCode();
    String internalBase = origin.getScheme() + "://" + origin.getAuthority();
    if (status == 502 || status == 503 || status == 504) {
      breaker.failure();
    } else {
      breaker.success();
    }
    if (response.closed()) {
      upstream.request().reset();
      return;
    }
    response.setStatusCode(status);
    if (upstream.statusMessage() != null) {
      response.setStatusMessage(upstream.statusMessage());
    }
    for (Map.Entry<String, String> header : upstream.headers()) {
      String name = header.getKey().toLowerCase(Locale.ROOT);
      if (HOP_BY_HOP.contains(name) || name.equals("x-request-id")) {
        continue;
      }
      String value = header.getValue();
      if (name.equals("location") && value.startsWith(internalBase)) {
        // Never reveal a service's own address: the client follows the public path.
        value = value.substring(internalBase.length());
      }
      response.headers().add(header.getKey(), value);
    }
    rateHeaders.forEach(response::putHeader);
    if (upstream.getHeader("Content-Length") == null) {
      response.setChunked(true);
    }
    upstream.pipeTo(response);
  }
}
