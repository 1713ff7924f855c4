package io.smbcopilot.problem;

import io.smallrye.mutiny.Multi;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * Server-sent event streams that stay open through proxies: a heartbeat (an SSE comment) merged in
 * every so often while the events last, none after they end.
 */
public final class Heartbeats {
  private Heartbeats() {}

  /**
   * The events with a heartbeat merged in each {@code every} while they last; the heartbeats stop
   * when the events end.
   */
  @SuppressWarnings("unchecked")
  public static <T> Multi<T> merge(Multi<T> events, Duration every, Supplier<T> heartbeat) {
    Object end = new Object(); // marks the events' end among the heartbeats; never emitted
    Multi<Object> marked = events.map(e -> (Object) e).onCompletion().continueWith(end);
    Multi<Object> beats =
        Multi.createFrom().ticks().startingAfter(every).every(every).map(tick -> heartbeat.get());
    return Multi.createBy()
        .merging()
        .streams(marked, beats)
        .select()
        .first(e -> e != end)
        .map(e -> (T) e);
  }
}
