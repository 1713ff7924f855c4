package io.smbcopilot.auth.repository;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import io.smbcopilot.auth.domain.Membership;
import io.smbcopilot.auth.domain.Role;
import io.smbcopilot.auth.domain.Tenant;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import java.util.List;
import java.util.UUID;

/** Memberships; every query names the tenant, except those that look a person up by email. */
@ApplicationScoped
public class MembershipRepository implements PanacheRepositoryBase<Membership, String> {

  /** Members ordered by user id, after the given one. */
  public Uni<List<Membership>> page(UUID tenantId, String afterUserId, int limit) {
    return find(
            "tenantId = ?1 and userId > ?2 order by userId",
            tenantId,
            afterUserId == null ? "" : afterUserId)
        .range(0, limit - 1)
        .list();
  }

  public Uni<Membership> find(UUID tenantId, String userId) {
    return find("tenantId = ?1 and userId = ?2", tenantId, userId).firstResult();
  }

  /** The member, locked until the transaction ends ({@code FOR UPDATE}). */
  public Uni<Membership> lock(UUID tenantId, String userId) {
    return find("tenantId = ?1 and userId = ?2", tenantId, userId)
        .withLock(LockModeType.PESSIMISTIC_WRITE)
        .firstResult();
  }

  /** Whether any tenant has a member with this (lower-case) email. */
  public Uni<Boolean> emailTaken(String email) {
    return count("lower(email) = ?1", email).map(n -> n > 0);
  }

  /**
   * The tenant's owners, locked, so that two concurrent demotions cannot both see a second owner.
   */
  public Uni<Integer> lockOwners(UUID tenantId) {
    return find("tenantId = ?1 and role = 'owner'", tenantId)
        .withLock(LockModeType.PESSIMISTIC_WRITE)
        .list()
        .map(List::size);
  }

  /** A member with their tenant and role (null when the role is gone). */
  public record Principal(Membership member, Tenant tenant, Role role) {}

  /** The user's membership with its tenant and role, in one query; null if they have none. */
  public Uni<Principal> principal(String userId) {
    return getSession()
        .chain(
            session ->
                session
                    .createSelectionQuery(
                        "select m, t, r from Membership m join Tenant t on t.id = m.tenantId"
                            + " left join Role r on r.name = m.role"
                            + " and (r.tenantId = m.tenantId or r.tenantId is null)"
                            + " where m.userId = :user",
                        Object[].class)
                    .setParameter("user", userId)
                    .getSingleResultOrNull())
        .map(
            row ->
                row == null
                    ? null
                    : new Principal((Membership) row[0], (Tenant) row[1], (Role) row[2]));
  }

  public Uni<Long> countWithRole(UUID tenantId, String role) {
    return count("tenantId = ?1 and role = ?2", tenantId, role);
  }
}
