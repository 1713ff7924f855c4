package io.smbcopilot.outbox;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;

/** The W3C {@code traceparent} of the current span, for events that continue its trace. */
public final class Traceparents {
  private Traceparents() {}

  /** {@code 00-<trace id>-<span id>-<flags>}, or null outside a sampled or valid span. */
  public static String current() {
    SpanContext span = Span.current().getSpanContext();
    if (!span.isValid()) {
      return null;
    }
    return "00-" + span.getTraceId() + "-" + span.getSpanId() + "-" + span.getTraceFlags().asHex();
  }
}
