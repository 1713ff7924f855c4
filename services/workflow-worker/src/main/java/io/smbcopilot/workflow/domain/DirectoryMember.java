package io.smbcopilot.workflow.domain;

import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;
import jakarta.persistence.EmbeddedId;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.time.OffsetDateTime;
import java.util.Objects;
import java.util.UUID;

/** A tenant's member as the identity events tell it ({@code directory_member}). */
@Entity
@Table(name = "directory_member")
public class DirectoryMember {
  @Embeddable
  public static class Key implements Serializable {
    @Column(name = "tenant_id")
    public UUID tenantId;

    @Column(name = "user_id")
    public String userId;

    public Key() {}

    public Key(UUID tenantId, String userId) {
      this.tenantId = tenantId;
      this.userId = userId;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Key k
          && Objects.equals(tenantId, k.tenantId)
          && Objects.equals(userId, k.userId);
    }

    @Override
    public int hashCode() {
      return Objects.hash(tenantId, userId);
    }
  }

  @EmbeddedId public Key key;

  public String role;

  @Column(nullable = false)
  public boolean removed;

  @Column(name = "updated_at", nullable = false)
  public OffsetDateTime updatedAt;
}
