package io.smbcopilot.notifications.webhooks;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * When a message is tried again: the first attempt at once, then after each failure the next delay
 * of the schedule (by default 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h: eight attempts over about
 * 28 hours, the Standard Webhooks reference schedule), each with up to a tenth of jitter so that
 * the retries of one outage do not arrive together. A receiver's {@code Retry-After} (on 429 or
 * 503) is honoured when it asks for longer, up to a day.
 */
public final class DeliverySchedule {
  static final Duration MAX_RETRY_AFTER = Duration.ofHours(24);

  private final List<Duration> delays;

  public DeliverySchedule(List<Duration> delays) {
    this.delays = List.copyOf(delays);
  }

  /** Attempts in all: the first and one per delay. */
  public int attempts() {
    return delays.size() + 1;
  }

  /**
   * The pause after the failed attempt number {@code attempt} (1 for the first), or empty when it
   * was the last.
   */
  public Optional<Duration> after(int attempt, Optional<Duration> retryAfter) {
    if (attempt >= attempts()) {
      return Optional.empty();
    }
    Duration planned = delays.get(attempt - 1);
    long millis = planned.toMillis();
    long jitter = millis / 10 == 0 ? 0 : ThreadLocalRandom.current().nextLong(millis / 10 + 1);
    Duration pause = Duration.ofMillis(millis + jitter);
    if (retryAfter.isPresent()) {
      Duration asked =
          retryAfter.get().compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : retryAfter.get();
      if (asked.compareTo(pause) > 0) {
        pause = asked;
      }
    }
    return Optional.of(pause);
  }
}
