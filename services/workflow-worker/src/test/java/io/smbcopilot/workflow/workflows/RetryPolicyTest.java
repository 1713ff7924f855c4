package io.smbcopilot.workflow.workflows;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/** A step's retry policy: defaults, exponential pauses with jitter, caps, codes not retried. */
class RetryPolicyTest {
  @Test
  void unsetPartsAreTheDefaults() {
    RetryPolicy p = RetryPolicy.of(new Definition.Retry(7, null, null, null));
    assertThat(p.maxAttempts()).isEqualTo(7);
    assertThat(p.initialDelay()).isEqualTo(Duration.ofSeconds(1));
    assertThat(p.maxDelay()).isEqualTo(Duration.ofMinutes(5));
    assertThat(RetryPolicy.of(null)).isEqualTo(RetryPolicy.DEFAULT);
  }

  @RepeatedTest(20)
  void pausesDoubleWithJitterUpToTheCap() {
    RetryPolicy p = new RetryPolicy(20, Duration.ofSeconds(2), Duration.ofHours(24), List.of());
    // after the n-th failure: between half and all of 2 s * 2^(n-1)
    for (int n = 1; n <= 10; n++) {
      long full = 2000L << (n - 1);
      assertThat(p.delayAfter(n, null).toMillis()).isBetween(full / 2, full);
    }
    // far along, the day's cap
    assertThat(p.delayAfter(19, null)).isBetween(Duration.ofHours(12), Duration.ofHours(24));
  }

  @Test
  void aRetryAfterIsHonouredUpToTheCap() {
    RetryPolicy p = new RetryPolicy(5, Duration.ofMillis(100), Duration.ofMinutes(1), List.of());
    assertThat(p.delayAfter(1, Duration.ofSeconds(30))).isEqualTo(Duration.ofSeconds(30));
    assertThat(p.delayAfter(1, Duration.ofHours(2))).isEqualTo(Duration.ofMinutes(1));
  }

  @Test
  void codesAndClassesNamedAreNotTriedAgain() {
    RetryPolicy p =
        new RetryPolicy(
            5, Duration.ofSeconds(1), Duration.ofMinutes(1), List.of("http.5xx", "timeout"));
    assertThat(p.retries(new StepError("http.503", "", true, null))).isFalse();
    assertThat(p.retries(new StepError("http.429", "", true, null))).isTrue();
    assertThat(p.retries(new StepError("timeout", "", true, null))).isFalse();
    assertThat(p.retries(new StepError("connection", "", true, null))).isTrue();
    // what cannot be mended by trying again never is
    assertThat(RetryPolicy.DEFAULT.retries(StepError.input("no"))).isFalse();
    assertThat(
            new RetryPolicy(5, Duration.ofSeconds(1), Duration.ofMinutes(1), List.of("http"))
                .retries(new StepError("http.502", "", true, null)))
        .isFalse();
  }
}
