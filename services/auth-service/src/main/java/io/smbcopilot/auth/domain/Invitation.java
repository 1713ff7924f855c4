package io.smbcopilot.auth.domain;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * An invitation to join a tenant with a role ({@code invitation}); only its token's hash is kept.
 */
@Entity
@Table(name = "invitation")
public class Invitation {
  @Id public UUID id;

  @Column(name = "tenant_id", nullable = false, updatable = false)
  public UUID tenantId;

  @Column(nullable = false, updatable = false)
  public String email;

  @Column(nullable = false, updatable = false)
  public String role;

  /** SHA-256 of the acceptance token. */
  @Column(name = "token_hash", nullable = false, updatable = false)
  public byte[] tokenHash;

  @Column(name = "invited_by", nullable = false, updatable = false)
  public String invitedBy;

  @Column(name = "created_at", nullable = false, updatable = false)
  public OffsetDateTime createdAt;

  @Column(name = "expires_at", nullable = false, updatable = false)
  public OffsetDateTime expiresAt;

  @Column(name = "accepted_at")
  public OffsetDateTime acceptedAt;

  @Column(name = "accepted_by")
  public String acceptedBy;
}
