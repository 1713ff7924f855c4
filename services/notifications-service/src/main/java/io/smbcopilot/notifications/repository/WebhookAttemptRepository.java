package io.smbcopilot.notifications.repository;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import io.smallrye.mutiny.Uni;
import io.smbcopilot.notifications.domain.WebhookAttempt;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.UUID;

/** Attempts of webhook messages; every query names the tenant. */
@ApplicationScoped
public class WebhookAttemptRepository implements PanacheRepositoryBase<WebhookAttempt, UUID> {

  /** The attempts of these messages, oldest first. */
  public Uni<List<WebhookAttempt>> of(UUID tenantId, List<String> messageIds) {
    if (messageIds.isEmpty()) {
      return Uni.createFrom().item(List.of());
    }
    return find(
            "tenantId = :tenant and messageId in :ids order by attemptedAt",
            Parameters.with("tenant", tenantId).and("ids", messageIds))
        .list();
  }
}
