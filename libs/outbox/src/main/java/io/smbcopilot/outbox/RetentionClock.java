package io.smbcopilot.outbox;

import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;

/**
 * The time a service's retention sweep reads ages against: the system's. A test replaces it
 * (QuarkusMock) to be weeks later without waiting for them.
 */
@ApplicationScoped
public class RetentionClock {
  public Instant now() {
    return Instant.now();
  }
}
