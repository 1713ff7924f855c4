package io.smbcopilot.notifications.domain;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;
import java.util.UUID;

/** A member of a tenant with their address and role, as the identity events told it. */
@Entity
@Table(name = "directory_member")
@IdClass(TenantUserKey.class)
public class DirectoryMember {
  @Id
  @Column(name = "tenant_id")
  public UUID tenantId;

  @Id
  @Column(name = "user_id")
  public String userId;

  @Column(nullable = false)
  public String email;

  @Column(name = "display_name")
  public String displayName;

  @Column(nullable = false)
  public String role;

  @Column(name = "updated_at", nullable = false)
  public OffsetDateTime updatedAt;
}
