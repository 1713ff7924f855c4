package io.smbcopilot.notifications.repository;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import io.smallrye.mutiny.Uni;
import io.smbcopilot.notifications.domain.WebhookEndpoint;
import io.smbcopilot.problem.Paging;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.UUID;

/** The tenants' webhook endpoints; every query names the tenant. */
@ApplicationScoped
public class WebhookEndpointRepository implements PanacheRepositoryBase<WebhookEndpoint, UUID> {

  /** The tenant's endpoint with this id, or null (another tenant's is not found either). */
  public Uni<WebhookEndpoint> own(UUID tenantId, UUID id) {
    return find(
            "tenantId = :tenant and id = :id", Parameters.with("tenant", tenantId).and("id", id))
        .firstResult();
  }

  /** The tenant's endpoints, newest first, after the cursor's position when there is one. */
  public Uni<List<WebhookEndpoint>> page(UUID tenantId, Paging.TimeCursor after, int limit) {
    Parameters parameters = Parameters.with("tenant", tenantId);
    String query = "tenantId = :tenant";
    if (after != null) {
      query += " and (createdAt < :at or (createdAt = :at and id < :id))";
      parameters.and("at", after.at()).and("id", after.id());
    }
    return find(query + " order by createdAt desc, id desc", parameters).range(0, limit - 1).list();
  }

  /** How many endpoints the tenant has. */
  public Uni<Long> countOf(UUID tenantId) {
    return count("tenantId", tenantId);
  }

  /** Every tenant's endpoints (for sealing their secrets again after a key rotation). */
  public Uni<List<WebhookEndpoint>> everyTenants() {
    return listAll();
  }
}
