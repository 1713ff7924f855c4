package io.smbcopilot.notifications.repository;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import io.smallrye.mutiny.Uni;
import io.smbcopilot.notifications.domain.MailMessage;
import io.smbcopilot.problem.Paging;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.UUID;

/** Mails and their fate; every query names the tenant. */
@ApplicationScoped
public class MailMessageRepository implements PanacheRepositoryBase<MailMessage, UUID> {

  /** The mail, when it is the tenant's. */
  public Uni<MailMessage> own(UUID tenantId, UUID id) {
    return find("tenantId = ?1 and id = ?2", tenantId, id).firstResult();
  }

  /** The user's mails held for their digest, oldest first. */
  public Uni<List<MailMessage>> held(UUID tenantId, String userId) {
    return list(
        "tenantId = ?1 and userId = ?2 and status = ?3 order by createdAt, id",
        tenantId,
        userId,
        MailMessage.HELD);
  }

  /**
   * Mails to the user or caused by them (an invitation they sent), newest first, after the cursor;
   * of one status when asked.
   */
  public Uni<List<MailMessage>> mine(
      UUID tenantId, String userId, String status, Paging.TimeCursor after, int limit) {
    Parameters parameters = Parameters.with("tenant", tenantId).and("user", userId);
    String query = "tenantId = :tenant and (userId = :user or requestedBy = :user)";
    if (status != null) {
      query += " and status = :status";
      parameters.and("status", status);
    }
    if (after != null) {
      query += " and (createdAt < :at or (createdAt = :at and id < :id))";
      parameters.and("at", after.at()).and("id", after.id());
    }
    return find(query + " order by createdAt desc, id desc", parameters).range(0, limit - 1).list();
  }
}
