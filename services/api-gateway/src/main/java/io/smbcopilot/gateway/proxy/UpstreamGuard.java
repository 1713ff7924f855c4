package io.smbcopilot.gateway.proxy;

import io.smallrye.faulttolerance.api.CircuitBreakerState;
import io.smallrye.faulttolerance.api.Guard;
import io.vertx.core.http.HttpClientResponse;
import jakarta.enterprise.util.TypeLiteral;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * One upstream's resilience, by SmallRye Fault Tolerance's programmatic API: retries inside a
 * circuit breaker, so that a request counts once for the breaker however often it was tried.
 *
 * <ul>
 *   <li>The breaker opens when the last {@code failureThreshold} requests all failed (unreachable,
 *       timed out, or answered 502/503/504), refuses for {@code openFor}, then lets one trial
 *       through. Only {@link Failure}s count: a request that ends otherwise (a body over the
 *       route's limit, for one) counts as a success, so a trial always settles the breaker.
 *   <li>Retries (for idempotent requests without a body) follow an unreachable upstream only, never
 *       a timeout or an answer.
 *   <li>A timeout is recognised by its type ({@link TimeoutException}, which Vert.x's request
 *       timeout is).
 * </ul>
 */
final class UpstreamGuard {
  private static final TypeLiteral<CompletionStage<HttpClientResponse>> RESPONSE =
      new TypeLiteral<>() {};

  /** What the breaker counts as the upstream's failure. */
  abstract static class Failure extends RuntimeException {
    Failure(String message, Throwable cause) {
      super(message, cause, false, false);
    }
  }

  /** The upstream could not be reached, or dropped the connection before answering. */
  static final class Unreachable extends Failure {
    Unreachable(Throwable cause) {
      super(String.valueOf(cause), cause);
    }
  }

  /** The upstream did not answer within the route's timeout. */
  static final class TimedOut extends Failure {
    TimedOut(Throwable cause) {
      super(String.valueOf(cause), cause);
    }
  }

  /** The upstream answered 502, 503 or 504: the answer is still relayed to the client. */
  static final class BadStatus extends Failure {
    final transient HttpClientResponse response;

    BadStatus(HttpClientResponse response) {
      super("upstream answered " + response.statusCode(), null);
      this.response = response;
    }
  }

  private final Guard breaker;
  private final Guard retries;
  private final Duration openFor;
  private final AtomicLong openedAt = new AtomicLong();

  UpstreamGuard(String upstream, int failureThreshold, Duration openFor, int maxRetries) {
    this.openFor = openFor;
    this.breaker =
        Guard.create()
            .withDescription("upstream " + upstream)
            .withCircuitBreaker()
            .name("gateway-upstream-" + upstream)
            .requestVolumeThreshold(failureThreshold)
            .failureRatio(1.0)
            .delay(openFor.toMillis(), ChronoUnit.MILLIS)
            .successThreshold(1)
            .failOn(Failure.class)
            .onStateChange(
                state -> {
                  if (state == CircuitBreakerState.OPEN) {
                    openedAt.set(System.nanoTime());
                  }
                })
            .done()
            .build();
    this.retries =
        Guard.create()
            .withDescription("upstream " + upstream + " retries")
            .withRetry()
            .maxRetries(maxRetries)
            .delay(50, ChronoUnit.MILLIS)
            .jitter(20, ChronoUnit.MILLIS)
            .retryOn(Unreachable.class)
            .done()
            .build();
  }

  /**
   * Sends through the breaker (and the retries when {@code retryable}); fails with {@link
   * org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException} while the
   * breaker is open, with a {@link Failure} when the upstream failed.
   */
  CompletionStage<HttpClientResponse> call(
      boolean retryable, Supplier<CompletionStage<HttpClientResponse>> send) {
    Supplier<CompletionStage<HttpClientResponse>> once = () -> classified(send.get());
    Supplier<CompletionStage<HttpClientResponse>> tried =
        retryable ? () -> retries.get(once, RESPONSE) : once;
    return breaker.get(() -> tried.get().thenCompose(UpstreamGuard::checkStatus), RESPONSE);
  }

  /** Seconds until the open breaker lets a trial through (for Retry-After). */
  long retryAfterSeconds() {
    long left = openFor.toNanos() - (System.nanoTime() - openedAt.get());
    return Math.max(1, (long) Math.ceil(left / 1e9));
  }

  private static CompletionStage<HttpClientResponse> classified(
      CompletionStage<HttpClientResponse> sent) {
    return sent.handle(
            (response, failure) -> {
              if (failure == null) {
                return CompletableFuture.completedFuture(response);
              }
              Throwable cause = unwrap(failure);
              if (cause instanceof LimitedStream.TooLarge) {
                return CompletableFuture.<HttpClientResponse>failedFuture(cause);
              }
              return CompletableFuture.<HttpClientResponse>failedFuture(
                  isTimeout(cause) ? new TimedOut(cause) : new Unreachable(cause));
            })
        .thenCompose(stage -> stage);
  }

  private static CompletionStage<HttpClientResponse> checkStatus(HttpClientResponse response) {
    int status = response.statusCode();
    return status == 502 || status == 503 || status == 504
        ? CompletableFuture.failedFuture(new BadStatus(response))
        : CompletableFuture.completedFuture(response);
  }

  static Throwable unwrap(Throwable failure) {
    Throwable t = failure;
    while (t instanceof CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  private static boolean isTimeout(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof TimeoutException) {
        return true;
      }
    }
    return false;
  }
}
