package io.smbcopilot.workflow.copilot;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.smbcopilot.security.SecretCipher;
import io.smbcopilot.workflow.domain.CopilotSettings;
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
  private final SecretCipher cipher;

  public SecretRotation(CopilotSettingsRepository settings, SecretCipher cipher) {
    this.settings = settings;
    this.cipher = cipher;
  }

  void onStart(@Observes StartupEvent event) {
    if (cipher.rotating()) {
      reseal(cipher)
          .subscribe()
          .with(
              n -> LOG.infof("encryption key rotation: %d provider keys sealed again", n),
              e -> LOG.warnf("encryption key rotation: provider keys not sealed again: %s", e));
    }
  }

  /** Seals every provider key that the cipher's current key did not seal again; how many. */
  public Uni<Integer> reseal(SecretCipher with) {
    return Panache.withTransaction(
        () ->
            settings
                .withKeys()
                .map(
                    all -> {
                      int n = 0;
                      for (CopilotSettings s : all) {
                        if (with.current(s.tenantId, s.apiKeyEncrypted)) {
                          continue;
                        }
                        try {
                          s.apiKeyEncrypted = with.reseal(s.tenantId, s.apiKeyEncrypted);
                          n++;
                        } catch (RuntimeException unreadable) {
                          // sealed with a key no longer configured: its tenant sets it again
                          LOG.warnf("tenant %s's provider key opens with no key", s.tenantId);
                        }
                      }
                      return n;
                    }));
  }
}
