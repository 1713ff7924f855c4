package io.smbcopilot.notifications.repository;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import io.smallrye.mutiny.Uni;
import io.smbcopilot.notifications.domain.Notification;
import io.smbcopilot.problem.Paging;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.UUID;

/** The notifications of the feed; every query names the tenant. */
@ApplicationScoped
public class NotificationRepository implements PanacheRepositoryBase<Notification, UUID> {

  /**
   * One user's feed (its unread part only, when asked), newest first, after the cursor's position
   * when there is one.
   */
  public Uni<List<Notification>> feed(
      UUID tenantId, String userId, boolean unreadOnly, Paging.TimeCursor after, int limit) {
    Parameters parameters = Parameters.with("tenant", tenantId).and("user", userId);
    String query = "tenantId = :tenant and userId = :user";
    if (unreadOnly) {
      query += " and readAt is null";
    }
    if (after != null) {
      query += " and (createdAt < :at or (createdAt = :at and id < :id))";
      parameters.and("at", after.at()).and("id", after.id());
    }
    return find(query + " order by createdAt desc, id desc", parameters).range(0, limit - 1).list();
  }
}
