package io.smbcopilot.auth.service;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;

/** The current time as PostgreSQL stores it (UTC, microseconds). */
final class Now {
  private Now() {}

  static OffsetDateTime utc() {
    return OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
  }
}
