package io.smbcopilot.workflow.repository;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import io.smallrye.mutiny.Uni;
import io.smbcopilot.workflow.domain.StepRun;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.UUID;

/** The finished steps of runs. */
@ApplicationScoped
public class StepRunRepository implements PanacheRepositoryBase<StepRun, UUID> {
  /** The run's steps in the order they ran. */
  public Uni<List<StepRun>> of(UUID runId) {
    return find("runId = :run order by seq", Parameters.with("run", runId)).list();
  }
}
