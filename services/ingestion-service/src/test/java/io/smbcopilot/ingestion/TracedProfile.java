package io.smbcopilot.ingestion;

import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.quarkus.test.junit.QuarkusTestProfile;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.util.Map;

/**
 * Tracing on, every span kept in memory: the spans a test can read back ({@link
 * InMemorySpanExporter}, a CDI bean that Quarkus' OpenTelemetry exports to).
 */
public class TracedProfile implements QuarkusTestProfile {
  @Override
  public Map<String, String> getConfigOverrides() {
    return Map.of("quarkus.otel.sdk.disabled", "false", "quarkus.otel.traces.sampler", "always_on");
  }

  /** The exporter, shared by the application and the test. */
  public static class Exporter {
    @Produces
    @Singleton
    InMemorySpanExporter spans() {
      return InMemorySpanExporter.create();
    }
  }
}
