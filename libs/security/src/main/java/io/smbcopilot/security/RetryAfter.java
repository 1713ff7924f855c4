package io.smbcopilot.security;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * The delay a server asks for in its {@code Retry-After} header (RFC 9110 section 10.2.3: seconds,
 * or an HTTP date), for the services' outbound calls (webhook deliveries, copilot providers).
 */
public final class RetryAfter {
  private RetryAfter() {}

  /** The header's delay, if it has one (a date in the past is no delay). */
  public static Optional<Duration> parse(String header, Instant now) {
    if (header == null || header.isBlank()) {
      return Optional.empty();
    }
    String value = header.trim();
    try {
      long seconds = Long.parseLong(value);
      return seconds < 0 ? Optional.empty() : Optional.of(Duration.ofSeconds(seconds));
    } catch (NumberFormatException notSeconds) {
      try {
        Instant at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        Duration d = Duration.between(now, at);
        return d.isNegative() ? Optional.of(Duration.ZERO) : Optional.of(d);
      } catch (DateTimeParseException notADate) {
        return Optional.empty();
      }
    }
  }
}
