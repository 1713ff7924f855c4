package io.smbcopilot.notifications.webhooks;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
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
              done ->
                  LOG.infof(
                      "encryption key rotation: %d webhook secrets sealed again, %d open with no"
                          + " key",
                      done.sealed(), done.unreadable()),
              e -> LOG.warnf("encryption key rotation: webhook secrets not sealed again: %s", e));
    }
  }

  /** Seals every secret that the cipher's current key did not seal again. */
  public Uni<SecretCipher.Resealing> reseal(SecretCipher with) {
    return Panache.withTransaction(
        () ->
            endpoints
                .everyTenants()
                .map(
                    all -> {
                      SecretCipher.Resealing pass = with.resealing();
                      all.forEach(
                          e -> {
                            e.secretEncrypted = pass.of(e.tenantId, e.secretEncrypted);
                            e.previousSecretEncrypted =
                                pass.of(e.tenantId, e.previousSecretEncrypted);
                          });
                      return pass;
                    }));
  }
}
