package io.smbcopilot.workflow.workflows;

import com.cronutils.model.time.ExecutionTime;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * When a schedule fires: its five-field cron read on the tenant's wall clock (cron-utils finds the
 * matching local times). Each matching local time fires once. Across a daylight-saving change:
 *
 * <ul>
 *   <li>a local time the clocks skip (02:30 on the night they spring forward) fires when the clocks
 *       jump, shifted by the gap (03:30 summer time), rather than not at all that day, which is
 *       what cron-utils alone does;
 *   <li>a local time the clocks repeat (02:30 on the night they fall back) fires once, at its first
 *       occurrence.
 * </ul>
 *
 * A local time shifted onto one that also matches fires once.
 */
public final class Schedules {
  private Schedules() {}

  /** The zone of a schedule trigger (UTC when it names none). */
  public static ZoneId zone(Definition.Trigger trigger) {
    return trigger.timeZone() == null ? ZoneOffset.UTC : ZoneId.of(trigger.timeZone());
  }

  /** The first fire time strictly after {@code after}. */
  public static Instant next(Definition.Trigger trigger, Instant after) {
    ExecutionTime cron =
        ExecutionTime.forCron(DefinitionValidator.CRON.parse(trigger.cron()).validate());
    ZoneId zone = zone(trigger);
    // matching is done on wall-clock times (UTC has no daylight saving: a plain calendar)
    LocalDateTime local = after.atZone(zone).toLocalDateTime();
    while (true) {
      LocalDateTime match =
          cron.nextExecution(local.atZone(ZoneOffset.UTC))
              .orElseThrow(() -> new IllegalStateException("no fire time: " + trigger.cron()))
              .toLocalDateTime();
      // a skipped local time is shifted by the gap; a repeated one takes its first offset
      Instant at = ZonedDateTime.ofLocal(match, zone, null).toInstant();
      if (at.isAfter(after)) {
        return at;
      }
      local = match;
    }
  }

  /** The next {@code n} fire times after {@code after}, in the schedule's zone. */
  public static List<OffsetDateTime> next(Definition.Trigger trigger, Instant after, int n) {
    List<OffsetDateTime> times = new ArrayList<>(n);
    Instant at = after;
    for (int i = 0; i < n; i++) {
      at = next(trigger, at);
      times.add(at.atZone(zone(trigger)).toOffsetDateTime());
    }
    return times;
  }
}
