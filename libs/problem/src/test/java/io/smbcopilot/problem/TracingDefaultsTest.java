package io.smbcopilot.problem;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class TracingDefaultsTest {

  @Test
  void tracingIsOffWithoutAnEndpoint() {
    assertThat(new TracingDefaults(Map.of(), Map.of()).getValue("quarkus.otel.sdk.disabled"))
        .isEqualTo("true");
    assertThat(
            new TracingDefaults(Map.of("QUARKUS_OTEL_EXPORTER_OTLP_ENDPOINT", " "), Map.of())
                .getValue("quarkus.otel.sdk.disabled"))
        .isEqualTo("true");
  }

  @Test
  void anyEndpointTurnsTracingOn() {
    assertThat(
            new TracingDefaults(
                    Map.of("QUARKUS_OTEL_EXPORTER_OTLP_ENDPOINT", "http://otel:4317"), Map.of())
                .getValue("quarkus.otel.sdk.disabled"))
        .isEqualTo("false");
    assertThat(
            new TracingDefaults(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://otel:4317"), Map.of())
                .getValue("quarkus.otel.sdk.disabled"))
        .isEqualTo("false");
    assertThat(
            new TracingDefaults(
                    Map.of(),
                    Map.of("quarkus.otel.exporter.otlp.traces.endpoint", "http://otel:4318"))
                .getValue("quarkus.otel.sdk.disabled"))
        .isEqualTo("false");
  }

  @Test
  void itAnswersOnlyItsOwnPropertyBelowExplicitSettings() {
    TracingDefaults source = new TracingDefaults(Map.of(), Map.of());
    assertThat(source.getValue("quarkus.http.port")).isNull();
    assertThat(source.getOrdinal()).isLessThan(250);
  }
}
