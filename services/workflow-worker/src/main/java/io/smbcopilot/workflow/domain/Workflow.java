package io.smbcopilot.workflow.domain;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;
import java.util.UUID;

/** A tenant's workflow ({@code workflow}); its definitions are its versions. */
@Entity
@Table(name = "workflow")
public class Workflow {
  @Id public UUID id;

  @Column(name = "tenant_id", nullable = false, updatable = false)
  public UUID tenantId;

  @Column(nullable = false)
  public String name;

  public String description;

  @Column(nullable = false)
  public boolean enabled;

  /** The current version: what new runs run. */
  @Column(nullable = false)
  public int version;

  /** The user whose permissions its runs have, checked again at each step. */
  @Column(name = "owner_id", nullable = false)
  public String ownerId;

  @Column(name = "created_at", nullable = false, updatable = false)
  public OffsetDateTime createdAt;

  @Column(name = "updated_at", nullable = false)
  public OffsetDateTime updatedAt;

  @Column(name = "deleted_at")
  public OffsetDateTime deletedAt;

  /** A webhook trigger's signing secret, sealed (SecretCipher); null without one. */
  @Column(name = "webhook_secret")
  public String webhookSecret;
}
