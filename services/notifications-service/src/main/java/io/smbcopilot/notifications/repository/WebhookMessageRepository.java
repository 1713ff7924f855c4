package io.smbcopilot.notifications.repository;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import io.smallrye.mutiny.Uni;
import io.smbcopilot.notifications.domain.WebhookMessage;
import io.smbcopilot.problem.Paging;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.UUID;

/** Webhook messages; every query names the tenant. */
@ApplicationScoped
public class WebhookMessageRepository implements PanacheRepositoryBase<WebhookMessage, String> {

  /** One endpoint's messages, newest first, after the cursor's position when there is one. */
  public Uni<List<WebhookMessage>> page(
      UUID tenantId, UUID endpointId, Paging.TimeCursor after, int limit) {
    Parameters parameters = Parameters.with("tenant", tenantId).and("endpoint", endpointId);
    String query = "tenantId = :tenant and endpointId = :endpoint";
    if (after != null) {
      // message ids are "msg_" and a UUID: the cursor holds the UUID
      query += " and (createdAt < :at or (createdAt = :at and id < :id))";
      parameters.and("at", after.at()).and("id", "msg_" + after.id());
    }
    return find(query + " order by createdAt desc, id desc", parameters).range(0, limit - 1).list();
  }

  /** One endpoint's messages made at or after the time, oldest first, at most {@code limit}. */
  public Uni<List<WebhookMessage>> since(
      UUID tenantId, UUID endpointId, java.time.OffsetDateTime since, int limit) {
    return find(
            "tenantId = :tenant and endpointId = :endpoint and createdAt >= :since"
                + " order by createdAt, id",
            Parameters.with("tenant", tenantId).and("endpoint", endpointId).and("since", since))
        .range(0, limit - 1)
        .list();
  }

  /** The tenant's message of that endpoint, or null. */
  public Uni<WebhookMessage> own(UUID tenantId, UUID endpointId, String id) {
    return find(
            "tenantId = :tenant and endpointId = :endpoint and id = :id",
            Parameters.with("tenant", tenantId).and("endpoint", endpointId).and("id", id))
        .firstResult();
  }
}
