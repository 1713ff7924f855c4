package io.smbcopilot.workflow.repository;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import io.smallrye.mutiny.Uni;
import io.smbcopilot.problem.Paging;
import io.smbcopilot.workflow.domain.WorkflowRun;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.UUID;

/** Workflow runs; every query names the tenant. */
@ApplicationScoped
public class WorkflowRunRepository implements PanacheRepositoryBase<WorkflowRun, UUID> {
  /** The tenant's run, or null. */
  public Uni<WorkflowRun> own(UUID tenantId, UUID id) {
    return find(
            "id = :id and tenantId = :tenant", Parameters.with("id", id).and("tenant", tenantId))
        .firstResult();
  }

  /** The tenant's run, locked until the transaction ends (steps, cancel and resume queue on it). */
  public Uni<WorkflowRun> locked(UUID tenantId, UUID id) {
    return find(
            "id = :id and tenantId = :tenant", Parameters.with("id", id).and("tenant", tenantId))
        .withLock(jakarta.persistence.LockModeType.PESSIMISTIC_WRITE)
        .firstResult();
  }

  /** The run started with this key for the workflow, or null. */
  public Uni<WorkflowRun> byKey(UUID tenantId, UUID workflowId, String key) {
    return find(
            "tenantId = :tenant and workflowId = :workflow and idempotencyKey = :key",
            Parameters.with("tenant", tenantId).and("workflow", workflowId).and("key", key))
        .firstResult();
  }

  /** The workflow's runs, newest first, after the cursor. */
  public Uni<List<WorkflowRun>> page(
      UUID tenantId, UUID workflowId, Paging.TimeCursor after, int limit) {
    Parameters parameters = Parameters.with("tenant", tenantId).and("workflow", workflowId);
    return find(
            Keyset.newestFirst(
                "tenantId = :tenant and workflowId = :workflow", "createdAt", after, parameters),
            parameters)
        .range(0, limit - 1)
        .list();
  }

  /** The tenant's runs that failed since {@code since}, newest first, at most n. */
  public Uni<List<WorkflowRun>> failedSince(UUID tenantId, java.time.OffsetDateTime since, int n) {
    return find(
            "tenantId = :tenant and status = 'failed' and createdAt >= :since order by createdAt"
                + " desc",
            Parameters.with("tenant", tenantId).and("since", since))
        .range(0, n - 1)
        .list();
  }
}
