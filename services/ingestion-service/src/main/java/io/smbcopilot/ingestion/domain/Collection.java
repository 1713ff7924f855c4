package io.smbcopilot.ingestion.domain;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/**
 * A tenant's group of documents ({@code collection}, owned by Flyway), with who may read and write
 * it; empty lists mean everyone of the tenant.
 */
@Entity
@Table(name = "collection")
public class Collection {
  @Id public UUID id;

  @Column(name = "tenant_id", nullable = false, updatable = false)
  public UUID tenantId;

  @Column(nullable = false, updatable = false)
  public String name;

  @Column(nullable = false)
  public String description;

  @JdbcTypeCode(SqlTypes.ARRAY)
  @Column(name = "read_roles", nullable = false, columnDefinition = "text[]")
  public List<String> readRoles;

  @JdbcTypeCode(SqlTypes.ARRAY)
  @Column(name = "read_users", nullable = false, columnDefinition = "text[]")
  public List<String> readUsers;

  @JdbcTypeCode(SqlTypes.ARRAY)
  @Column(name = "write_roles", nullable = false, columnDefinition = "text[]")
  public List<String> writeRoles;

  @JdbcTypeCode(SqlTypes.ARRAY)
  @Column(name = "write_users", nullable = false, columnDefinition = "text[]")
  public List<String> writeUsers;

  @Column(name = "created_by", updatable = false)
  public String createdBy;

  @Column(name = "created_at", nullable = false, updatable = false)
  public OffsetDateTime createdAt;
}
