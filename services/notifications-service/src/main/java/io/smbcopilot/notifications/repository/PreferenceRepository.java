package io.smbcopilot.notifications.repository;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import io.smbcopilot.notifications.domain.NotificationPreference;
import io.smbcopilot.notifications.domain.TenantUserKey;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Users' notification choices. */
@ApplicationScoped
public class PreferenceRepository
    implements PanacheRepositoryBase<NotificationPreference, TenantUserKey> {

  /** The user's choices, or null when they kept every default. */
  public Uni<NotificationPreference> of(UUID tenantId, String userId) {
    return findById(new TenantUserKey(tenantId, userId));
  }

  /** A user whose digest is due, and their local date. */
  public record Due(UUID tenantId, String userId, LocalDate localDate) {}

  /**
   * Users whose digest hour has come in their time zone and who had no digest on that local date
   * yet, locked for this transaction (another replica skips them), at most {@code limit}.
   */
  public Uni<List<Due>> dueDigests(int limit) {
    return Panache.getSession()
        .chain(
            s ->
                s.createNativeQuery(
                        "SELECT cast(tenant_id AS text), user_id,"
                            + " cast(cast(now() AT TIME ZONE time_zone AS date) AS text)"
                            + " FROM notification_preference WHERE digest_enabled"
                            + " AND extract(hour FROM now() AT TIME ZONE time_zone) >= digest_hour"
                            + " AND (digest_sent_on IS NULL"
                            + " OR digest_sent_on < cast(now() AT TIME ZONE time_zone AS date))"
                            + " ORDER BY tenant_id, user_id LIMIT :limit"
                            + " FOR UPDATE SKIP LOCKED",
                        Object[].class)
                    .setParameter("limit", limit)
                    .getResultList())
        .map(
            rows -> {
              List<Due> due = new ArrayList<>();
              for (Object[] r : rows) {
                due.add(
                    new Due(
                        UUID.fromString((String) r[0]),
                        (String) r[1],
                        LocalDate.parse((String) r[2])));
              }
              return due;
            });
  }
}
