package io.smbcopilot.workflow.workflows;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A step's retry policy: how many attempts in all, the pause after each failed one (exponential,
 * doubling from {@code initialDelay} up to {@code maxDelay}, with jitter), and the error codes
 * never tried again. A code in {@code nonRetryable} matches exactly, or as a class: {@code
 * http.4xx} matches every 4xx status, {@code http} every status.
 */
public record RetryPolicy(
    int maxAttempts, Duration initialDelay, Duration maxDelay, List<String> nonRetryable) {
  public static final RetryPolicy DEFAULT =
      new RetryPolicy(3, Duration.ofSeconds(1), Duration.ofMinutes(5), List.of());

  /** The step's policy, its unset parts the defaults'. */
  public static RetryPolicy of(Definition.Retry retry) {
    if (retry == null) {
      return DEFAULT;
    }
    return new RetryPolicy(
        retry.maxAttempts() == null ? DEFAULT.maxAttempts : retry.maxAttempts(),
        retry.initialDelay() == null ? DEFAULT.initialDelay : Duration.parse(retry.initialDelay()),
        retry.maxDelay() == null ? DEFAULT.maxDelay : Duration.parse(retry.maxDelay()),
        retry.nonRetryable() == null ? List.of() : List.copyOf(retry.nonRetryable()));
  }

  /** Whether an error of this kind is tried again, by its nature and by this policy. */
  public boolean retries(StepError error) {
    if (!error.retryable()) {
      return false;
    }
    String code = error.code();
    for (String n : nonRetryable) {
      if (n.equals(code) || code.startsWith(n + ".") || matchesClass(n, code)) {
        return false;
      }
    }
    return true;
  }

  private static boolean matchesClass(String pattern, String code) {
    // http.4xx matches http.404
    return pattern.endsWith("xx")
        && pattern.length() == code.length()
        && code.startsWith(pattern.substring(0, pattern.length() - 2));
  }

  /**
   * The pause before the attempt after {@code failed} attempts: the delay doubled per earlier
   * failure, capped, with "equal jitter" (half of it fixed, half random), and never shorter than
   * what the other side asked for (still capped by {@code maxDelay}).
   */
  public Duration delayAfter(int failed, Duration askedFor) {
    long base = initialDelay.toMillis();
    long max = maxDelay.toMillis();
    long pause = base;
    for (int i = 1; i < failed && pause < max; i++) {
      pause *= 2;
    }
    pause = Math.min(pause, max);
    long jittered = pause / 2 + ThreadLocalRandom.current().nextLong(pause / 2 + 1);
    if (askedFor != null) {
      jittered = Math.max(jittered, Math.min(askedFor.toMillis(), max));
    }
    return Duration.ofMillis(jittered);
  }
}
