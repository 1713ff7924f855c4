package io.smbcopilot.workflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.vertx.VertxContextSupport;
import io.smbcopilot.devstack.DevStackResource;
import io.smbcopilot.problem.ProblemException;
import io.smbcopilot.security.SecretCipher;
import io.smbcopilot.testing.InternalTokenResource;
import io.smbcopilot.workflow.copilot.SecretRotation;
import io.smbcopilot.workflow.domain.CopilotSettings;
import io.smbcopilot.workflow.repository.CopilotSettingsRepository;
import jakarta.inject.Inject;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A rotation of the deployment's encryption key on the real database: the provider keys sealed with
 * the old key are sealed again with the new one, so they open once the old key is dropped.
 */
@QuarkusTest
@TestProfile(MeteringTest.OutboxKept.class) // MeteringTest's application, started once
@WithTestResource(InternalTokenResource.class)
@WithTestResource(
    value = DevStackResource.class,
    initArgs = {
      @ResourceArg(name = "service", value = "workflow-worker"),
      @ResourceArg(name = "components", value = "postgres,kafka")
    })
class SecretRotationTest {
  @Inject SecretRotation rotation;
  @Inject CopilotSettingsRepository settings;

  private CopilotSettings stored(UUID tenant) throws Throwable {
    return VertxContextSupport.subscribeAndAwait(
        () -> Panache.withSession(() -> settings.findById(tenant)));
  }

  @Test
  void providerKeysSealedWithTheOldKeyAreSealedAgainWithTheNewOne() throws Throwable {
    SecretCipher old = new SecretCipher(Optional.of("rotation-test-old-secret"));
    SecretCipher rotated =
        new SecretCipher(
            Optional.of("rotation-test-new-secret"),
            Optional.of(List.of("rotation-test-old-secret")));
    SecretCipher after = new SecretCipher(Optional.of("rotation-test-new-secret"));
    UUID tenant = UUID.randomUUID();
    VertxContextSupport.subscribeAndAwait(
        () ->
            Panache.withTransaction(
                () -> {
                  CopilotSettings s = new CopilotSettings();
                  s.tenantId = tenant;
                  s.provider = "openai";
                  s.baseUrl = "https://api.openai.com/v1";
                  s.model = "gpt-4o-mini";
                  s.apiKeyEncrypted = old.encrypt(tenant, "sk-test-rotated");
                  s.updatedBy = "test";
                  s.updatedAt = OffsetDateTime.now();
                  return settings.persist(s);
                }));
    String before = stored(tenant).apiKeyEncrypted;
    assertThatThrownBy(() -> after.decrypt(tenant, before)).isInstanceOf(ProblemException.class);

    int sealed = VertxContextSupport.subscribeAndAwait(() -> rotation.reseal(rotated)).sealed();
    assertThat(sealed).isPositive();
    assertThat(after.decrypt(tenant, stored(tenant).apiKeyEncrypted)).isEqualTo("sk-test-rotated");
    // done once: a second pass changes nothing of this tenant's
    String now = stored(tenant).apiKeyEncrypted;
    VertxContextSupport.subscribeAndAwait(() -> rotation.reseal(rotated));
    assertThat(stored(tenant).apiKeyEncrypted).isEqualTo(now);
  }
}
