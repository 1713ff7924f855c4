package io.smbcopilot.notifications.repository;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.smbcopilot.notifications.domain.DirectoryMember;
import io.smbcopilot.notifications.domain.DirectoryTenant;
import io.smbcopilot.notifications.domain.TenantUserKey;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

/**
 * Who is who in each tenant, kept from the identity events: names, addresses, roles. Every query
 * names the tenant; writes run in the caller's transaction.
 */
@ApplicationScoped
public class DirectoryRepository {

  /** The tenant's name, or null when no event told it yet. */
  public Uni<String> tenantName(UUID tenantId) {
    return Panache.getSession()
        .chain(s -> s.find(DirectoryTenant.class, tenantId))
        .map(t -> t == null ? null : t.name);
  }

  public Uni<Void> saveTenant(UUID tenantId, String name, OffsetDateTime at) {
    return Panache.getSession()
        .chain(
            s ->
                s.find(DirectoryTenant.class, tenantId)
                    .chain(
                        found -> {
                          DirectoryTenant t = found == null ? new DirectoryTenant() : found;
                          t.tenantId = tenantId;
                          t.name = name;
                          t.updatedAt = at;
                          return found == null ? s.persist(t) : Uni.createFrom().voidItem();
                        }));
  }

  /** The member, or null. */
  public Uni<DirectoryMember> member(UUID tenantId, String userId) {
    return Panache.getSession()
        .chain(s -> s.find(DirectoryMember.class, new TenantUserKey(tenantId, userId)));
  }

  /** Adds the member or updates what is known of them (a null display name keeps the old one). */
  public Uni<Void> saveMember(
      UUID tenantId,
      String userId,
      String email,
      String displayName,
      String role,
      OffsetDateTime at) {
    return member(tenantId, userId)
        .chain(
            found -> {
              DirectoryMember m = found == null ? new DirectoryMember() : found;
              m.tenantId = tenantId;
              m.userId = userId;
              if (email != null) {
                m.email = email;
              }
              if (displayName != null) {
                m.displayName = displayName;
              }
              if (role != null) {
                m.role = role;
              }
              m.updatedAt = at;
              if (found != null) {
                return Uni.createFrom().voidItem();
              }
              if (m.email == null || m.role == null) {
                return Uni.createFrom().voidItem(); // too little known to keep
              }
              return Panache.getSession().chain(s -> s.persist(m));
            });
  }

  public Uni<Void> removeMember(UUID tenantId, String userId) {
    return member(tenantId, userId)
        .chain(
            m ->
                m == null
                    ? Uni.createFrom().voidItem()
                    : Panache.getSession().chain(s -> s.remove(m)));
  }

  /** The tenant's members who hold one of these roles, by user id. */
  public Uni<List<DirectoryMember>> withRoles(UUID tenantId, Collection<String> roles) {
    return Panache.getSession()
        .chain(
            s ->
                s.createSelectionQuery(
                        "from DirectoryMember where tenantId = :tenant and role in :roles"
                            + " order by userId",
                        DirectoryMember.class)
                    .setParameter("tenant", tenantId)
                    .setParameter("roles", roles)
                    .getResultList());
  }
}
