package io.smbcopilot.auth.repository;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import io.smbcopilot.auth.domain.Invitation;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

@ApplicationScoped
public class InvitationRepository implements PanacheRepositoryBase<Invitation, UUID> {
  private static final String PENDING = "acceptedAt is null and expiresAt > ?2";

  /** The tenant's invitations that can still be accepted, oldest first. */
  public Uni<List<Invitation>> pending(UUID tenantId, OffsetDateTime now) {
    return list("tenantId = ?1 and " + PENDING + " order by createdAt", tenantId, now);
  }

  /** The invitation the token belongs to, when it can still be accepted. */
  public Uni<Invitation> usable(byte[] tokenHash, OffsetDateTime now) {
    return find("tokenHash = ?1 and " + PENDING, tokenHash, now).firstResult();
  }

  /** Drops the open invitations of this email (a new one replaces them). */
  public Uni<Long> deleteOpen(UUID tenantId, String email) {
    return delete("tenantId = ?1 and lower(email) = ?2 and acceptedAt is null", tenantId, email);
  }

  public Uni<Long> deleteOpen(UUID tenantId, UUID id) {
    return delete("tenantId = ?1 and id = ?2 and acceptedAt is null", tenantId, id);
  }

  /** Marks it accepted unless someone else just did; 1 when this call took it. */
  public Uni<Integer> accept(UUID id, String userId, OffsetDateTime now) {
    return update(
        "acceptedAt = ?3, acceptedBy = ?2 where id = ?1 and acceptedAt is null", id, userId, now);
  }

  /** The invitations the person accepted, their addresses among them. */
  public Uni<List<Invitation>> acceptedBy(UUID tenantId, String userId) {
    return list("tenantId = ?1 and acceptedBy = ?2", tenantId, userId);
  }
}
