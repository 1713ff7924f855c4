package io.smbcopilot.outbox;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/** Values of a native query's rows, as Hibernate Reactive hands them over. */
public final class SqlValues {
  private SqlValues() {}

  /**
   * A {@code timestamptz} column's value (an {@link OffsetDateTime}, an {@link Instant} or a UTC
   * {@link LocalDateTime}, depending on the driver's mapping) as an offset time; null stays null.
   */
  public static OffsetDateTime time(Object value) {
    if (value == null || value instanceof OffsetDateTime) {
      return (OffsetDateTime) value;
    }
    if (value instanceof Instant i) {
      return i.atOffset(ZoneOffset.UTC);
    }
    return ((LocalDateTime) value).atOffset(ZoneOffset.UTC);
  }
}
