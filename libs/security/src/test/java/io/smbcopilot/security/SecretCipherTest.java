package io.smbcopilot.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smbcopilot.problem.ProblemException;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Secrets at rest: only the tenant's own row, with the deployment's key, opens them. */
class SecretCipherTest {
  private final UUID tenant = UUID.randomUUID();

  @Test
  void aKeyIsKeptEncryptedAndOpensOnlyForItsTenantWithTheDeploymentsKey() {
    SecretCipher cipher = new SecretCipher(Optional.of("a-deployment-secret-for-this-test"));
    String sealed = cipher.encrypt(tenant, "sk-test-provider-key");
    assertThat(sealed).doesNotContain("sk-test");
    assertThat(cipher.encrypt(tenant, "sk-test-provider-key")).isNotEqualTo(sealed); // fresh nonce
    assertThat(cipher.decrypt(tenant, sealed)).isEqualTo("sk-test-provider-key");

    assertThatThrownBy(() -> cipher.decrypt(UUID.randomUUID(), sealed))
        .isInstanceOf(ProblemException.class);
    SecretCipher other = new SecretCipher(Optional.of("another-deployment-secret"));
    assertThatThrownBy(() -> other.decrypt(tenant, sealed)).isInstanceOf(ProblemException.class);
  }

  @Test
  void withoutADeploymentKeyNoSecretIsKept() {
    SecretCipher none = new SecretCipher(Optional.empty());
    assertThatThrownBy(() -> none.encrypt(tenant, "sk-test"))
        .isInstanceOf(ProblemException.class)
        .hasMessageContaining("copilot.secrets.encryption-key");
  }

  @Test
  void aSignatureIsRecognisedOnlyForItsTextAndDeploymentKey() throws Exception {
    SecretCipher cipher = new SecretCipher(Optional.of("a-deployment-secret-for-this-test"));
    String signature = cipher.sign("tenant|user|document.indexed");
    assertThat(signature).matches("[A-Za-z0-9_-]{43}");
    assertThat(cipher.verify("tenant|user|document.indexed", signature)).isTrue();
    assertThat(cipher.verify("tenant|user|document.failed", signature)).isFalse();
    assertThat(
            new SecretCipher(Optional.of("another-deployment-secret"))
                .verify("tenant|user|document.indexed", signature))
        .isFalse();
    // not keyed with the encryption key itself: an HMAC with the AES key's bytes differs
    javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
    mac.init(
        new javax.crypto.spec.SecretKeySpec(
            java.security.MessageDigest.getInstance("SHA-256")
                .digest(
                    "a-deployment-secret-for-this-test"
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8)),
            "HmacSHA256"));
    String withAesKey =
        java.util.Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString(
                mac.doFinal(
                    "tenant|user|document.indexed"
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    assertThat(signature).isNotEqualTo(withAesKey);
    assertThat(cipher.available()).isTrue();
    assertThat(new SecretCipher(Optional.empty()).available()).isFalse();
  }

  @Test
  void afterARotationOldSecretsStillOpenAndAreResealedWithTheNewKey() {
    SecretCipher before = new SecretCipher(Optional.of("the-first-deployment-secret"));
    String sealed = before.encrypt(tenant, "sk-test-provider-key");
    String signature = before.sign("tenant|user|mail");
    SecretCipher rotated =
        new SecretCipher(
            Optional.of("the-second-deployment-secret"),
            Optional.of(java.util.List.of("the-first-deployment-secret")));
    assertThat(rotated.decrypt(tenant, sealed)).isEqualTo("sk-test-provider-key");
    assertThat(rotated.verify("tenant|user|mail", signature)).isTrue();
    assertThat(rotated.current(tenant, sealed)).isFalse();

    String resealed = rotated.reseal(tenant, sealed);
    assertThat(rotated.current(tenant, resealed)).isTrue();
    assertThat(rotated.reseal(tenant, resealed)).isSameAs(resealed);
    // once the old secret is dropped, only the resealed value opens
    SecretCipher after = new SecretCipher(Optional.of("the-second-deployment-secret"));
    assertThat(after.decrypt(tenant, resealed)).isEqualTo("sk-test-provider-key");
    assertThatThrownBy(() -> after.decrypt(tenant, sealed)).isInstanceOf(ProblemException.class);
    assertThat(after.verify("tenant|user|mail", signature)).isFalse();
    // a pass over kept secrets: what an old key sealed is sealed again, what none opens is kept
    String stranger = new SecretCipher(Optional.of("a-key-nobody-kept")).encrypt(tenant, "x");
    SecretCipher.Resealing pass = rotated.resealing();
    assertThat(after.decrypt(tenant, pass.of(tenant, sealed))).isEqualTo("sk-test-provider-key");
    assertThat(pass.of(tenant, resealed)).isSameAs(resealed);
    assertThat(pass.of(tenant, stranger)).isSameAs(stranger);
    assertThat(pass.of(tenant, null)).isNull();
    assertThat(pass.sealed()).isEqualTo(1);
    assertThat(pass.unreadable()).isEqualTo(1);
    // a previous key does not open another tenant's secret either
    assertThatThrownBy(() -> rotated.decrypt(UUID.randomUUID(), sealed))
        .isInstanceOf(ProblemException.class);
  }
}
