package io.smbcopilot.auth.repository;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import io.smbcopilot.auth.domain.Role;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.UUID;

/** The roles a tenant sees: the built-in ones (no tenant) and its own. */
@ApplicationScoped
public class RoleRepository implements PanacheRepositoryBase<Role, UUID> {
  private static final String VISIBLE = "(tenantId = ?1 or tenantId is null)";

  public Uni<List<Role>> visible(UUID tenantId) {
    return list(VISIBLE + " order by builtin desc, createdAt, name", tenantId);
  }

  public Uni<Role> find(UUID tenantId, String name) {
    return find(VISIBLE + " and name = ?2", tenantId, name).firstResult();
  }
}
