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

/**
 * A partner API key ({@code api_key}): the prefix finds it, only a SHA-256 hash of the whole key is
 * stored.
 */
@Entity
@Table(name = "api_key")
public class ApiKey {
  @Id public UUID id;

  @Column(name = "tenant_id", nullable = false, updatable = false)
  public UUID tenantId;

  @Column(nullable = false, updatable = false)
  public String name;

  /** {@code smbc_} and ten characters: shown in lists, finds the key. */
  @Column(nullable = false, updatable = false)
  public String prefix;

  @Column(name = "secret_hash", nullable = false, updatable = false)
  public byte[] secretHash;

  /** The permissions the key may use. */
  @JdbcTypeCode(SqlTypes.ARRAY)
  @Column(nullable = false, updatable = false, columnDefinition = "text[]")
  public List<String> scopes;

  @Column(name = "created_by", nullable = false, updatable = false)
  public String createdBy;

  @Column(name = "created_at", nullable = false, updatable = false)
  public OffsetDateTime createdAt;

  @Column(name = "expires_at", updatable = false)
  public OffsetDateTime expiresAt;

  @Column(name = "last_used_at")
  public OffsetDateTime lastUsedAt;

  @Column(name = "revoked_at")
  public OffsetDateTime revokedAt;

  @Column(name = "revoked_by")
  public String revokedBy;
}
