package io.smbcopilot.auth.repository;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.smbcopilot.outbox.TenantErasure;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * The record that a tenant was erased ({@code tenant_erasure}): the digest of its id, the times.
 */
@ApplicationScoped
public class TenantErasureRepository {
  /** Records the erasure, in the current transaction. */
  public Uni<Void> record(UUID tenantId, OffsetDateTime requested, OffsetDateTime erased) {
    return Panache.getSession()
        .chain(
            s ->
                s.createNativeQuery(
                        "INSERT INTO tenant_erasure (id, tenant_digest, requested_at, erased_at)"
                            + " VALUES (?1, ?2, ?3, ?4)")
                    .setParameter(1, UUID.randomUUID())
                    .setParameter(2, TenantErasure.digest(tenantId.toString()))
                    .setParameter(3, requested)
                    .setParameter(4, erased)
                    .executeUpdate())
        .replaceWithVoid();
  }
}
