package io.smbcopilot.outbox;

import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import java.util.HashMap;
import java.util.Map;

/**
 * The W3C {@code traceparent} of the current span, for events that continue its trace, and the
 * context an event's {@code traceparent} names, for the consumer that continues it.
 */
public final class Traceparents {
  private static final String TRACEPARENT = "traceparent";

  private Traceparents() {}

  /** The current context's {@code traceparent}, or null outside a valid span. */
  public static String current() {
    Map<String, String> carrier = new HashMap<>(2);
    W3CTraceContextPropagator.getInstance().inject(Context.current(), carrier, Map::put);
    return carrier.get(TRACEPARENT);
  }

  private static final TextMapGetter<Map<String, String>> GETTER =
      new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Map<String, String> carrier) {
          return carrier.keySet();
        }

        @Override
        public String get(Map<String, String> carrier, String key) {
          return carrier == null ? null : carrier.get(key);
        }
      };

  /** The context of this {@code traceparent}; the current one when there is none. */
  public static Context parent(String traceparent) {
    if (traceparent == null) {
      return Context.current();
    }
    return W3CTraceContextPropagator.getInstance()
        .extract(Context.root(), Map.of(TRACEPARENT, traceparent), GETTER);
  }
}
