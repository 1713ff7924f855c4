package io.smbcopilot.ingestion.repository;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import io.smbcopilot.ingestion.domain.Collection;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.UUID;

/** Collections; every query names the tenant. */
@ApplicationScoped
public class CollectionRepository implements PanacheRepositoryBase<Collection, UUID> {
  static final String GENERAL =
      "INSERT INTO collection (id, tenant_id, name, description) VALUES (:id, :tenant, :name,"
          + " :description) ON CONFLICT (tenant_id, name) DO NOTHING";

  public Uni<List<Collection>> forTenant(UUID tenantId) {
    return list("tenantId = ?1 order by name", tenantId);
  }

  /** The tenant's collection with this id, or else with this name; null if none. */
  public Uni<Collection> byIdOrName(UUID tenantId, String idOrName) {
    UUID id = null;
    try {
      id = UUID.fromString(idOrName);
    } catch (IllegalArgumentException e) {
      // a name
    }
    return id != null
        ? find("tenantId = ?1 and id = ?2", tenantId, id).firstResult()
        : find("tenantId = ?1 and name = ?2", tenantId, idOrName).firstResult();
  }

  /** Makes the named collection unless the tenant has it (safe when two requests race). */
  public Uni<Void> ensure(UUID tenantId, String name, String description) {
    return getSession()
        .chain(
            session ->
                session
                    .createNativeQuery(GENERAL)
                    .setParameter("id", UUID.randomUUID())
                    .setParameter("tenant", tenantId)
                    .setParameter("name", name)
                    .setParameter("description", description)
                    .executeUpdate())
        .replaceWithVoid();
  }
}
