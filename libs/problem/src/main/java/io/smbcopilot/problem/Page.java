package io.smbcopilot.problem;

import java.util.List;
import java.util.function.Function;

/**
 * One page of a list, as every list endpoint answers it: the items and, when there may be more, the
 * opaque cursor of the next page (see {@link Paging}).
 *
 * @param items this page's items
 * @param nextCursor the {@code cursor} of the next page; null on the last page
 */
public record Page<T>(List<T> items, String nextCursor) {

  /** The page of these items, asked for with this limit, the next cursor from its last item. */
  public static <T> Page<T> of(List<T> items, int limit, Function<T, String> cursorOf) {
    return new Page<>(items, Paging.next(items, limit, cursorOf));
  }
}
