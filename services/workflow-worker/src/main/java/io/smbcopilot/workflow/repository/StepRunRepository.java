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
  /** The run's step at this place, or null. */
  public Uni<StepRun> at(UUID runId, int seq) {
    return find("runId = :run and seq = :seq", Parameters.with("run", runId).and("seq", seq))
        .firstResult();
  }

  /** The run's step that failed it (its last failed one), or null. */
  public Uni<StepRun> failed(UUID runId) {
    return find(
            "runId = :run and status = :failed order by seq desc",
            Parameters.with("run", runId).and("failed", StepRun.FAILED))
        .firstResult();
  }

  /** The run's approval step waiting for a decision, or null. */
  public Uni<StepRun> waiting(UUID runId) {
    return find(
            "runId = :run and status = :waiting order by seq desc",
            Parameters.with("run", runId).and("waiting", StepRun.WAITING))
        .firstResult();
  }

  /** The run's steps in the order they ran. */
  public Uni<List<StepRun>> of(UUID runId) {
    return find("runId = :run order by seq", Parameters.with("run", runId)).list();
  }
}
