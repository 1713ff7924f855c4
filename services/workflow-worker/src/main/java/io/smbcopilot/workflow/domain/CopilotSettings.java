package io.smbcopilot.workflow.domain;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;
import java.util.UUID;

/** A tenant's own copilot provider ({@code copilot_settings}); the key only encrypted. */
@Entity
@Table(name = "copilot_settings")
public class CopilotSettings {
  @Id
  @Column(name = "tenant_id")
  public UUID tenantId;

  @Column(nullable = false)
  public String provider;

  @Column(name = "base_url")
  public String baseUrl;

  public String model;

  @Column(name = "api_key_encrypted")
  public String apiKeyEncrypted;

  @Column(name = "max_output_tokens")
  public Integer maxOutputTokens;

  @Column(name = "updated_by", nullable = false)
  public String updatedBy;

  @Column(name = "updated_at", nullable = false)
  public OffsetDateTime updatedAt;
}
