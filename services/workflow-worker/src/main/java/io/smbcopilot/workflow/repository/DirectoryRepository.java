package io.smbcopilot.workflow.repository;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import io.smbcopilot.workflow.domain.DirectoryMember;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

/** Tenants' members as the identity events tell them. */
@ApplicationScoped
public class DirectoryRepository
    implements PanacheRepositoryBase<DirectoryMember, DirectoryMember.Key> {
  /** Records the member's state; in the caller's transaction. */
  public Uni<Void> save(UUID tenantId, String userId, String role, boolean removed) {
    DirectoryMember.Key key = new DirectoryMember.Key(tenantId, userId);
    return findById(key)
        .chain(
            found -> {
              DirectoryMember m = found != null ? found : new DirectoryMember();
              m.key = key;
              if (role != null) {
                m.role = role;
              }
              m.removed = removed;
              m.updatedAt = OffsetDateTime.now(ZoneOffset.UTC);
              return found != null ? Uni.createFrom().voidItem() : persist(m).replaceWithVoid();
            });
  }

  /** True when the events said the user was removed from the tenant (and not added again). */
  public Uni<Boolean> removed(UUID tenantId, String userId) {
    return findById(new DirectoryMember.Key(tenantId, userId)).map(m -> m != null && m.removed);
  }
}
