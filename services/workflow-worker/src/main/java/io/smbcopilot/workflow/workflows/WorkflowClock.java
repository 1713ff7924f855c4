package io.smbcopilot.workflow.workflows;

import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;

/**
 * The time schedules are read against. The system's; a test replaces it (QuarkusMock) to cross a
 * daylight-saving change or a missed week without waiting for one.
 */
@ApplicationScoped
public class WorkflowClock {
  public Instant now() {
    return Instant.now();
  }
}
