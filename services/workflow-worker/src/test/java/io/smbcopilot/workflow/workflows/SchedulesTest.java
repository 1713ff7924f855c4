package io.smbcopilot.workflow.workflows;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Fire times on the tenant's wall clock across both daylight-saving changes of 2026 in Berlin (29
 * March: 02:00 to 03:00; 25 October: 03:00 back to 02:00): a skipped time still fires, shifted by
 * the gap; a repeated one fires once.
 */
class SchedulesTest {
  static Definition.Trigger schedule(String cron, String zone) {
    return new Definition.Trigger("schedule", cron, zone, null, null, null, null, null);
  }

  static List<String> next(Definition.Trigger trigger, String from, int n) {
    return Schedules.next(trigger, OffsetDateTime.parse(from).toInstant(), n).stream()
        .map(OffsetDateTime::toString)
        .toList();
  }

  @Test
  void aDailyTimeTheClocksSkipFiresWhenTheyJumpAndARepeatedOneFiresOnce() {
    Definition.Trigger daily = schedule("30 2 * * *", "Europe/Berlin");
    assertThat(next(daily, "2026-03-28T12:00:00+01:00", 3))
        .containsExactly(
            "2026-03-29T03:30+02:00", // 02:30 does not exist that night
            "2026-03-30T02:30+02:00",
            "2026-03-31T02:30+02:00");
    assertThat(next(daily, "2026-10-24T12:00:00+02:00", 3))
        .containsExactly(
            "2026-10-25T02:30+02:00", // the first 02:30 only
            "2026-10-26T02:30+01:00",
            "2026-10-27T02:30+01:00");
  }

  @Test
  void anHourlyScheduleRunsEveryWallClockHourOnceAndNeverTwiceAtOneInstant() {
    Definition.Trigger hourly = schedule("0 * * * *", "Europe/Berlin");
    assertThat(next(hourly, "2026-03-29T00:30:00+01:00", 3))
        .containsExactly(
            "2026-03-29T01:00+01:00",
            "2026-03-29T03:00+02:00", // 02:00 shifted onto 03:00: once
            "2026-03-29T04:00+02:00");
    assertThat(next(hourly, "2026-10-25T00:30:00+02:00", 4))
        .containsExactly(
            "2026-10-25T01:00+02:00",
            "2026-10-25T02:00+02:00",
            "2026-10-25T03:00+01:00", // the repeated 02:00 is not a second due time
            "2026-10-25T04:00+01:00");
  }

  @Test
  void aWeeklyScheduleInUtcByDefaultGivesItsNextFiveTimes() {
    List<String> times = next(schedule("0 9 * * MON", null), "2026-12-03T10:00:00Z", 5);
    assertThat(times)
        .containsExactly(
            "2026-12-07T09:00Z",
            "2026-12-14T09:00Z",
            "2026-12-21T09:00Z",
            "2026-12-28T09:00Z",
            "2027-01-04T09:00Z");
    assertThat(Schedules.next(schedule("0 9 * * MON", null), Instant.parse("2026-12-07T09:00:00Z")))
        .isEqualTo(Instant.parse("2026-12-14T09:00:00Z"));
  }
}
