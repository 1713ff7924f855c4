package io.smbcopilot.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Retry-After in both of RFC 9110's forms; anything else is no delay asked. */
class RetryAfterTest {
  private final Instant now = Instant.parse("2026-12-03T10:00:00Z");

  @Test
  void secondsAndDatesAreDelaysAndAnythingElseIsNone() {
    assertThat(RetryAfter.parse("120", now)).contains(Duration.ofMinutes(2));
    assertThat(RetryAfter.parse(" 0 ", now)).contains(Duration.ZERO);
    assertThat(RetryAfter.parse("Thu, 03 Dec 2026 10:00:30 GMT", now))
        .contains(Duration.ofSeconds(30));
    assertThat(RetryAfter.parse("Thu, 03 Dec 2026 09:59:00 GMT", now)).contains(Duration.ZERO);
    assertThat(RetryAfter.parse("-5", now)).isEqualTo(Optional.empty());
    assertThat(RetryAfter.parse("soon", now)).isEmpty();
    assertThat(RetryAfter.parse("", now)).isEmpty();
    assertThat(RetryAfter.parse(null, now)).isEmpty();
  }
}
