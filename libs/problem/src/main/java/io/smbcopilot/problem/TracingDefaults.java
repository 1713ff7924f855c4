package io.smbcopilot.problem;

import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * Tracing is on exactly when an OTLP endpoint is configured: this source answers {@code
 * quarkus.otel.sdk.disabled} from whether {@code QUARKUS_OTEL_EXPORTER_OTLP_ENDPOINT} (or its
 * traces-only form, or {@code OTEL_EXPORTER_OTLP_ENDPOINT}) is set. Its ordinal is below
 * application.properties and the environment, so an explicit setting still wins.
 */
public class TracingDefaults implements ConfigSource {
  static final String SDK_DISABLED = "quarkus.otel.sdk.disabled";
  private static final Set<String> ENDPOINT_KEYS =
      Set.of(
          "quarkus.otel.exporter.otlp.endpoint",
          "quarkus.otel.exporter.otlp.traces.endpoint",
          "otel.exporter.otlp.endpoint");

  private final boolean endpointConfigured;

  public TracingDefaults() {
    this(System.getenv(), System.getProperties());
  }

  TracingDefaults(Map<String, String> env, Map<Object, Object> systemProperties) {
    boolean found = false;
    for (String key : ENDPOINT_KEYS) {
      String envName = key.toUpperCase().replace('.', '_');
      found |= present(env.get(envName)) || present((String) systemProperties.get(key));
    }
    this.endpointConfigured = found;
  }

  private static boolean present(String value) {
    return value != null && !value.isBlank();
  }

  @Override
  public Set<String> getPropertyNames() {
    return Set.of(SDK_DISABLED);
  }

  @Override
  public String getValue(String propertyName) {
    return SDK_DISABLED.equals(propertyName) ? String.valueOf(!endpointConfigured) : null;
  }

  @Override
  public String getName() {
    return "smb-copilot-tracing-defaults";
  }

  @Override
  public int getOrdinal() {
    return 200;
  }
}
