package io.smbcopilot.workflow.copilot;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.smbcopilot.security.SecretCipher;
import io.smbcopilot.workflow.repository.CopilotSettingsRepository;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

/**
 * After the deployment's encryption key was rotated ({@code
 * copilot.secrets.previous-encryption-keys} set), seals the tenants' provider keys again with the
 * new key at start, so the old secret can be dropped at the next deployment. Idempotent: replicas
 * starting together seal the same values.
 */
@ApplicationScoped
public class SecretRotation {
  private static final Logger LOG = Logger.getLogger(SecretRotation.class);
  private final CopilotSettingsRepository settings;
  private final io.smbcopilot.workflow.repository.WorkflowRepository workflows;
  private final SecretCipher cipher;

  public SecretRotation(
      CopilotSettingsRepository settings,
      io.smbcopilot.workflow.repository.WorkflowRepository workflows,
      SecretCipher cipher) {
    this.settings = settings;
    this.workflows = workflows;
    this.cipher = cipher;
  }

  void onStart(@Observes StartupEvent event) {
    if (cipher.rotating()) {
      reseal(cipher)
          .subscribe()
          .with(
              done ->
                  LOG.infof(
                      "encryption key rotation: %d provider keys and workflow webhook secrets"
                          + " sealed again, %d open with no key",
                      done.sealed(), done.unreadable()),
              e -> LOG.warnf("encryption key rotation: provider keys not sealed again: %s", e));
    }
  }

  /**
   * Seals every provider key and workflow webhook secret that the cipher's current key did not seal
   * again.
   */
  public Uni<SecretCipher.Resealing> reseal(SecretCipher with) {
    SecretCipher.Resealing pass = with.resealing();
    return Panache.withTransaction(
        () ->
            settings
                .withKeys()
                .invoke(
                    all ->
                        all.forEach(
                            s -> s.apiKeyEncrypted = pass.of(s.tenantId, s.apiKeyEncrypted)))
                .chain(workflows::withWebhookSecrets)
                .map(
                    all -> {
                      all.forEach(w -> w.webhookSecret = pass.of(w.tenantId, w.webhookSecret));
                      return pass;
                    }));
  }
}
