package io.smbcopilot.auth.domain;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** A named set of permissions ({@code role}): built in (no tenant) or a tenant's own. */
@Entity
@Table(name = "role")
public class Role {
  @Id public UUID id;

  /** Null for the built-in roles, which every tenant sees. */
  @Column(name = "tenant_id", updatable = false)
  public UUID tenantId;

  @Column(nullable = false, updatable = false)
  public String name;

  @Column(nullable = false)
  public String description;

  @JdbcTypeCode(SqlTypes.ARRAY)
  @Column(nullable = false, columnDefinition = "text[]")
  public List<String> permissions;

  @Column(nullable = false, updatable = false)
  public boolean builtin;

  @Column(name = "created_at", nullable = false, updatable = false)
  public OffsetDateTime createdAt;

  @Column(name = "updated_at", nullable = false)
  public OffsetDateTime updatedAt;
}
