package io.smbcopilot.workflow.repository;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import io.smallrye.mutiny.Uni;
import io.smbcopilot.problem.Paging;
import io.smbcopilot.workflow.domain.Evaluation;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.UUID;

/** Evaluation runs, always of one tenant. */
@ApplicationScoped
public class EvaluationRepository implements PanacheRepositoryBase<Evaluation, UUID> {
  public Uni<Evaluation> ofTenant(UUID tenantId, UUID id) {
    return find(
            "id = :id and tenantId = :tenant", Parameters.with("id", id).and("tenant", tenantId))
        .firstResult();
  }

  /** The tenant's runs, newest first, after the cursor. */
  public Uni<List<Evaluation>> page(UUID tenantId, Paging.TimeCursor after, int limit) {
    Parameters parameters = Parameters.with("tenant", tenantId);
    return find(
            Keyset.newestFirst("tenantId = :tenant", "createdAt", after, parameters), parameters)
        .range(0, limit - 1)
        .list();
  }
}
