package io.smbcopilot.workflow.repository;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import io.smbcopilot.workflow.domain.CopilotSettings;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.UUID;

/** Tenants' own copilot settings, by tenant id. */
@ApplicationScoped
public class CopilotSettingsRepository implements PanacheRepositoryBase<CopilotSettings, UUID> {
  /** The settings that keep a provider key. */
  public Uni<List<CopilotSettings>> withKeys() {
    return list("apiKeyEncrypted is not null");
  }
}
