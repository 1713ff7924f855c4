package io.smbcopilot.workflow.workflows;

import java.time.Duration;

/**
 * Why an attempt of a step failed: a code a retry policy can name ({@code timeout}, {@code
 * connection}, {@code http.503}, {@code forbidden-address}, {@code input}, ...), whether another
 * attempt may help, and how long the other side asked us to wait ({@code Retry-After}), if it did.
 */
public class StepError extends RuntimeException {
  /** An input or expression that cannot be used: another attempt would fail the same way. */
  public static final String INPUT = "input";

  public static final String TIMEOUT = "timeout";
  public static final String CONNECTION = "connection";

  private final String code;
  private final boolean retryable;
  private final Duration retryAfter;

  public StepError(String code, String message, boolean retryable, Duration retryAfter) {
    super(message, null, false, false);
    this.code = code;
    this.retryable = retryable;
    this.retryAfter = retryAfter;
  }

  /** The step cannot be done with what it was given: not tried again. */
  public static StepError input(String message) {
    return new StepError(INPUT, message, false, null);
  }

  public String code() {
    return code;
  }

  public boolean retryable() {
    return retryable;
  }

  public Duration retryAfter() {
    return retryAfter;
  }
}
