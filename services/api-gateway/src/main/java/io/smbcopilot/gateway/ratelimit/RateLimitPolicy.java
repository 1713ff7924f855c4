package io.smbcopilot.gateway.ratelimit;

import io.smbcopilot.gateway.auth.Principal;
import io.smbcopilot.gateway.config.GatewayConfig;
import io.smbcopilot.gateway.proxy.GatewayProblem;
import io.smbcopilot.problem.ProblemType;
import io.smbcopilot.security.PrincipalType;
import io.vertx.core.Future;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which buckets a request draws from (its tenant's, and its API key's), by the tenant's plan, and
 * the {@code RateLimit-*} headers of the tighter one; a refused request is a 429 problem with
 * {@code Retry-After}.
 */
@ApplicationScoped
public class RateLimitPolicy {
  private final RateLimiter limiter;
  private final GatewayConfig config;

  public RateLimitPolicy(RateLimiter limiter, GatewayConfig config) {
    this.limiter = limiter;
    this.config = config;
  }

  /** The headers to send with the answer, or a failed future with the 429 problem. */
  public Future<Map<String, String>> apply(Principal principal) {
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
    List<RateLimiter.Limit> limits = new ArrayList<>();
    if (plan.tenantPerMinute() > 0) {
      limits.add(
          new RateLimiter.Limit(
              "tenant:" + principal.tenantId(), plan.tenantBurst(), plan.tenantPerMinute() / 60.0));
    }
    if (principal.type() == PrincipalType.API_KEY && plan.apiKeyPerMinute() > 0) {
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
    return chain.map(RateLimitPolicy::headers);
  }

  private static Map<String, String> headers(RateLimiter.Decision decision) {
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
}
