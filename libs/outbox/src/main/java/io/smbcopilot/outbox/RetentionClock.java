package io.smbcopilot.outbox;

import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;

/**
 * The time a service's retention sweep reads ages against, and an erasure's grace period: the
 * system's. A test replaces it (QuarkusMock) to be weeks later without waiting for them.
 */
@ApplicationScoped
public class RetentionClock {
  public Instant now() {
    return Instant.now();
  }

  /** A clock that stays at an instant: what a test installs instead of this one. */
  public static RetentionClock at(Instant instant) {
    return new RetentionClock() {
      @Override
      public Instant now() {
        return instant;
      }
    };
  }
}
