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

  /**
   * The tenant's members who hold one of these roles, or a custom role that grants the permission
   * (when one is named), by user id.
   */
  public Uni<List<DirectoryMember>> withRoles(
      UUID tenantId, Collection<String> roles, String permission) {
    StringBuilder sql =
        new StringBuilder("SELECT * FROM directory_member m WHERE m.tenant_id = :tenant AND (");
    sql.append(roles.isEmpty() ? "false" : "m.role IN (:roles)");
    if (permission != null) {
      sql.append(
          " OR EXISTS (SELECT 1 FROM directory_role r WHERE r.tenant_id = m.tenant_id"
              + " AND r.name = m.role"
              + " AND r.permissions @> jsonb_build_array(cast(:permission AS text)))");
    }
    sql.append(") ORDER BY m.user_id");
    return Panache.getSession()
        .chain(
            s -> {
              var query =
                  s.createNativeQuery(sql.toString(), DirectoryMember.class)
                      .setParameter("tenant", tenantId);
              if (!roles.isEmpty()) {
                query.setParameter("roles", roles);
              }
              if (permission != null) {
                query.setParameter("permission", permission);
              }
              return query.getResultList();
            });
  }

  static final String SAVE_ROLE =
      "INSERT INTO directory_role (tenant_id, name, permissions, updated_at)"
          // the text, parsed here: a parameter cast to jsonb is bound as one JSON string
          + " VALUES (:tenant, :name, cast(cast(:permissions AS text) AS jsonb), :at)"
          + " ON CONFLICT (tenant_id, name) DO UPDATE SET permissions = excluded.permissions,"
          + " updated_at = excluded.updated_at";

  /** Keeps a custom role's permissions (a JSON array of their names). */
  public Uni<Void> saveRole(UUID tenantId, String name, String permissions, OffsetDateTime at) {
    return Panache.getSession()
        .chain(
            s ->
                s.createNativeQuery(SAVE_ROLE)
                    .setParameter("tenant", tenantId)
                    .setParameter("name", name)
                    .setParameter("permissions", permissions)
                    .setParameter("at", at)
                    .executeUpdate())
        .replaceWithVoid();
  }

  public Uni<Void> removeRole(UUID tenantId, String name) {
    return Panache.getSession()
        .chain(
            s ->
                s.createNativeQuery(
                        "DELETE FROM directory_role WHERE tenant_id = :tenant AND name = :name")
                    .setParameter("tenant", tenantId)
                    .setParameter("name", name)
                    .executeUpdate())
        .replaceWithVoid();
  }
}
