package io.smbcopilot.health;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.jvm.JvmCompilationMetrics;
import jakarta.inject.Singleton;

/**
 * How long the JIT compiler has worked ({@code jvm_compilation_time_ms_total}), which Quarkus's JVM
 * metrics leave out: a service under new load compiles its hot code for minutes, and on a small
 * machine that takes a share of the cores a benchmark or a dashboard must see.
 */
@Singleton
public class JitMetrics implements MeterBinder {
  @Override
  public void bindTo(MeterRegistry registry) {
    new JvmCompilationMetrics().bindTo(registry);
  }
}
