package io.smbcopilot.health;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import jakarta.inject.Singleton;
import java.time.Duration;

/**
 * Histogram buckets for the HTTP server's request durations at the latency objectives of
 * docs/operations.md ({@code http_server_requests_seconds_bucket{le="1.0"}}), so that a dashboard's
 * p95 and an error budget's "fast enough" share are counted, not estimated. A handful of fixed
 * buckets rather than Micrometer's percentile histogram (some 70 per series).
 */
@Singleton
public class RequestSlos implements MeterFilter {
  static final Duration[] BUCKETS = {
    Duration.ofMillis(100),
    Duration.ofMillis(250),
    Duration.ofMillis(500),
    Duration.ofSeconds(1),
    Duration.ofMillis(2500),
    Duration.ofSeconds(5),
    Duration.ofSeconds(10),
    Duration.ofSeconds(30)
  };

  @Override
  public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
    if (!id.getName().equals("http.server.requests")) {
      return config;
    }
    double[] nanos = new double[BUCKETS.length];
    for (int i = 0; i < BUCKETS.length; i++) {
      nanos[i] = BUCKETS[i].toNanos();
    }
    return DistributionStatisticConfig.builder()
        .serviceLevelObjectives(nanos)
        .build()
        .merge(config);
  }
}
