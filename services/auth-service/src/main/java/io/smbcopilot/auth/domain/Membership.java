package io.smbcopilot.auth.domain;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * A person's place in a tenant ({@code membership}). The table's key is (tenant, user), and a
 * person belongs to one tenant only ({@code membership_one_tenant_per_user}), so the user id alone
 * identifies the row.
 */
@Entity
@Table(name = "membership")
public class Membership {
  /** The Keycloak user id. */
  @Id
  @Column(name = "user_id")
  public String userId;

  @Column(name = "tenant_id", nullable = false, updatable = false)
  public UUID tenantId;

  /** The name of a built-in or custom {@link Role}. */
  @Column(nullable = false)
  public String role;

  @Column(nullable = false)
  public String email;

  @Column(name = "display_name", nullable = false)
  public String displayName;

  @Column(name = "created_at", nullable = false, updatable = false)
  public OffsetDateTime createdAt;
}
