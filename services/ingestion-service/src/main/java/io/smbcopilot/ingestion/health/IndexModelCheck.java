package io.smbcopilot.ingestion.health;

import io.smbcopilot.ingestion.pipeline.IndexModel;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Not ready while the index holds vectors of another embedding model than the service's: such a pod
 * takes no traffic (a rolling change of the model stops at it, the old pods keep serving) and the
 * check's data says what fixes it.
 */
@Readiness
@ApplicationScoped
public class IndexModelCheck implements HealthCheck {
  static final String NAME = "Index embedding model";

  private final IndexModel model;

  public IndexModelCheck(IndexModel model) {
    this.model = model;
  }

  @Override
  public HealthCheckResponse call() {
    return model
        .mismatch()
        .map(problem -> HealthCheckResponse.named(NAME).down().withData("problem", problem).build())
        .orElseGet(() -> HealthCheckResponse.named(NAME).up().build());
  }
}
