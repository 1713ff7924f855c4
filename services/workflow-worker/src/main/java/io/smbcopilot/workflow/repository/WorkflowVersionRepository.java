package io.smbcopilot.workflow.repository;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import io.smallrye.mutiny.Uni;
import io.smbcopilot.workflow.domain.WorkflowVersion;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.UUID;

/** Workflows' versions, by workflow and number. */
@ApplicationScoped
public class WorkflowVersionRepository
    implements PanacheRepositoryBase<WorkflowVersion, WorkflowVersion.Key> {
  /** The version of the tenant's workflow, or null. */
  public Uni<WorkflowVersion> of(UUID tenantId, UUID workflowId, int version) {
    return find(
            "workflowId = :workflow and version = :version and tenantId = :tenant",
            Parameters.with("workflow", workflowId).and("version", version).and("tenant", tenantId))
        .firstResult();
  }

  /** The workflow's versions, newest first. */
  public Uni<List<WorkflowVersion>> all(UUID tenantId, UUID workflowId) {
    return find(
            "workflowId = :workflow and tenantId = :tenant order by version desc",
            Parameters.with("workflow", workflowId).and("tenant", tenantId))
        .list();
  }
}
