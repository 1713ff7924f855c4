package io.smbcopilot.notifications.webhooks;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.smbcopilot.notifications.domain.WebhookEndpoint;
import io.smbcopilot.notifications.repository.WebhookEndpointRepository;
import io.smbcopilot.security.SecretCipher;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

/**
 * After the deployment's encryption key was rotated ({@code
 * copilot.secrets.previous-encryption-keys} set), seals the endpoints' signing secrets (current and
 * previous) again with the new key at start, so the old secret can be dropped at the next
 * deployment. Idempotent: replicas starting together seal the same values.
 */
@ApplicationScoped
public class SecretRotation {
  private static final Logger LOG = Logger.getLogger(SecretRotation.class);
  private final WebhookEndpointRepository endpoints;
  private final SecretCipher cipher;

  public SecretRotation(WebhookEndpointRepository endpoints, SecretCipher cipher) {
    this.endpoints = endpoints;
    this.cipher = cipher;
  }

  void onStart(@Observes StartupEvent event) {
    if (cipher.rotating()) {
      reseal(cipher)
          .subscribe()
          .with(
              n -> LOG.infof("encryption key rotation: %d webhook secrets sealed again", n),
              e -> LOG.warnf("encryption key rotation: webhook secrets not sealed again: %s", e));
    }
  }

  /** Seals every secret that the cipher's current key did not seal again; how many. */
  public Uni<Integer> reseal(SecretCipher with) {
    return Panache.withTransaction(
        () ->
            endpoints
                .everyTenants()
                .map(
                    all -> {
                      int n = 0;
                      for (WebhookEndpoint e : all) {
                        try {
                          if (!with.current(e.tenantId, e.secretEncrypted)) {
                            e.secretEncrypted = with.reseal(e.tenantId, e.secretEncrypted);
                            n++;
                          }
                          if (e.previousSecretEncrypted != null
                              && !with.current(e.tenantId, e.previousSecretEncrypted)) {
                            e.previousSecretEncrypted =
                                with.reseal(e.tenantId, e.previousSecretEncrypted);
                            n++;
                          }
                        } catch (RuntimeException unreadable) {
                          // sealed with a key no longer configured: its secret is rotated anew
                          LOG.warnf("webhook endpoint %s's secret opens with no key", e.id);
                        }
                      }
                      return n;
                    }));
  }
}
