package io.smbcopilot.notifications.domain;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;
import java.util.UUID;

/** A tenant's name, as the identity events told it ({@code directory_tenant}). */
@Entity
@Table(name = "directory_tenant")
public class DirectoryTenant {
  @Id
  @Column(name = "tenant_id")
  public UUID tenantId;

  @Column(nullable = false)
  public String name;

  @Column(name = "updated_at", nullable = false)
  public OffsetDateTime updatedAt;
}
