package io.smbcopilot.problem;

import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.UUID;

/**
 * List paging as every service does it: {@code limit} (1 to 200, default 50) and an opaque {@code
 * cursor}; a bad one is a validation problem naming the parameter.
 */
public final class Paging {
  public static final int DEFAULT_LIMIT = 50;
  public static final int MAX_LIMIT = 200;

  /** A position in a list ordered by time and id, newest first. */
  public record TimeCursor(OffsetDateTime at, UUID id) {}

  private Paging() {}

  public static int limit(Integer requested) {
    if (requested == null) {
      return DEFAULT_LIMIT;
    }
    if (requested < 1 || requested > MAX_LIMIT) {
      throw ProblemException.invalid("limit", "1 to " + MAX_LIMIT);
    }
    return requested;
  }

  /** The cursor after a full page (from its last item), or null when the page is not full. */
  public static <T> String next(
      java.util.List<T> items, int limit, java.util.function.Function<T, String> cursorOf) {
    return items.size() == limit && !items.isEmpty()
        ? cursorOf.apply(items.get(items.size() - 1))
        : null;
  }

  public static String encode(String value) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(value.getBytes(StandardCharsets.UTF_8));
  }

  /** The cursor's value, or null for none. */
  public static String decode(String cursor) {
    if (cursor == null || cursor.isBlank()) {
      return null;
    }
    try {
      return new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw ProblemException.invalid("cursor", "not a cursor this API gave out");
    }
  }

  public static String encode(TimeCursor cursor) {
    return encode(cursor.at() + "|" + cursor.id());
  }

  /** The time cursor, or null for none. */
  public static TimeCursor decodeTime(String cursor) {
    String value = decode(cursor);
    if (value == null) {
      return null;
    }
    try {
      String[] parts = value.split("\\|");
      return new TimeCursor(OffsetDateTime.parse(parts[0]), UUID.fromString(parts[1]));
    } catch (RuntimeException e) {
      throw ProblemException.invalid("cursor", "not a cursor this API gave out");
    }
  }
}
