package io.smbcopilot.workflow.repository;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import io.smallrye.mutiny.Uni;
import io.smbcopilot.workflow.domain.WorkflowTrigger;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/** The triggers of enabled workflows. */
@ApplicationScoped
public class WorkflowTriggerRepository implements PanacheRepositoryBase<WorkflowTrigger, UUID> {
  /**
   * Schedules due at {@code now}, locked for this transaction; rows another replica holds are
   * skipped (it is firing them).
   */
  public Uni<List<WorkflowTrigger>> due(OffsetDateTime now, int limit) {
    return Panache.getSession()
        .chain(
            session ->
                session
                    .createNativeQuery(
                        "SELECT * FROM workflow_trigger WHERE type = 'schedule'"
                            + " AND next_fire_at <= :now ORDER BY next_fire_at LIMIT :limit"
                            + " FOR UPDATE SKIP LOCKED",
                        WorkflowTrigger.class)
                    .setParameter("now", now)
                    .setParameter("limit", limit)
                    .getResultList());
  }

  /** The tenant's workflows started by this event type. */
  public Uni<List<WorkflowTrigger>> byEvent(UUID tenantId, String eventType) {
    return find(
            "tenantId = :tenant and type = 'event' and eventType = :event",
            Parameters.with("tenant", tenantId).and("event", eventType))
        .list();
  }
}
