package io.smbcopilot.auth.repository;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import io.smbcopilot.auth.domain.ApiKey;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

@ApplicationScoped
public class ApiKeyRepository implements PanacheRepositoryBase<ApiKey, UUID> {

  /** The tenant's keys, newest first. */
  public Uni<List<ApiKey>> forTenant(UUID tenantId) {
    return list("tenantId = ?1 order by createdAt desc", tenantId);
  }

  public Uni<ApiKey> find(UUID tenantId, UUID id) {
    return find("tenantId = ?1 and id = ?2", tenantId, id).firstResult();
  }

  /** The live (not revoked, not expired) key with this prefix. */
  public Uni<ApiKey> live(String prefix, OffsetDateTime now) {
    return find(
            "prefix = ?1 and revokedAt is null and (expiresAt is null or expiresAt > ?2)",
            prefix,
            now)
        .firstResult();
  }

  /** The tenant's keys not revoked yet that a person created. */
  public Uni<List<ApiKey>> unrevokedCreatedBy(UUID tenantId, String userId) {
    return list("tenantId = ?1 and createdBy = ?2 and revokedAt is null", tenantId, userId);
  }

  /**
   * Records a use, at most once per {@code resolution}, so that a busy key does not write on every
   * request.
   */
  public Uni<Integer> touch(UUID id, OffsetDateTime now, Duration resolution) {
    return update(
        "lastUsedAt = ?2 where id = ?1 and (lastUsedAt is null or lastUsedAt < ?3)",
        id,
        now,
        now.minus(resolution));
  }
}
