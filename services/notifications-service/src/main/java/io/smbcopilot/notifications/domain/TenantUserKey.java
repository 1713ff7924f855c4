package io.smbcopilot.notifications.domain;

import java.io.Serializable;
import java.util.Objects;
import java.util.UUID;

/** The key of a row that belongs to one user of one tenant (an {@code @IdClass}). */
public class TenantUserKey implements Serializable {
  public UUID tenantId;
  public String userId;

  public TenantUserKey() {}

  public TenantUserKey(UUID tenantId, String userId) {
    this.tenantId = tenantId;
    this.userId = userId;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TenantUserKey k
        && Objects.equals(tenantId, k.tenantId)
        && Objects.equals(userId, k.userId);
  }

  @Override
  public int hashCode() {
    return Objects.hash(tenantId, userId);
  }
}
