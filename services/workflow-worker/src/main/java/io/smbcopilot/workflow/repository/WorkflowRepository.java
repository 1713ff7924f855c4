package io.smbcopilot.workflow.repository;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import io.smallrye.mutiny.Uni;
import io.smbcopilot.problem.Paging;
import io.smbcopilot.workflow.domain.Workflow;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.UUID;

/** The tenants' workflows; every query names the tenant, deleted ones are found by none. */
@ApplicationScoped
public class WorkflowRepository implements PanacheRepositoryBase<Workflow, UUID> {
  /** The tenant's workflow with this id, or null. */
  public Uni<Workflow> own(UUID tenantId, UUID id) {
    return find(
            "id = :id and tenantId = :tenant and deletedAt is null",
            Parameters.with("id", id).and("tenant", tenantId))
        .firstResult();
  }

  /** The tenant's workflows, newest first, after the cursor. */
  public Uni<List<Workflow>> page(UUID tenantId, Paging.TimeCursor after, int limit) {
    Parameters parameters = Parameters.with("tenant", tenantId);
    return find(
            Keyset.newestFirst(
                "tenantId = :tenant and deletedAt is null", "createdAt", after, parameters),
            parameters)
        .range(0, limit - 1)
        .list();
  }

  /** The workflows whose webhook secrets are kept (sealed). */
  public Uni<List<Workflow>> withWebhookSecrets() {
    return list("webhookSecret is not null");
  }
}
