package io.smbcopilot.outbox;

import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import java.util.HashMap;
import java.util.Map;

/** The W3C {@code traceparent} of the current span, for events that continue its trace. */
public final class Traceparents {
  private static final String TRACEPARENT = "traceparent";

  private Traceparents() {}

  /** The current context's {@code traceparent}, or null outside a valid span. */
  public static String current() {
    Map<String, String> carrier = new HashMap<>(2);
    W3CTraceContextPropagator.getInstance().inject(Context.current(), carrier, Map::put);
    return carrier.get(TRACEPARENT);
  }
}
