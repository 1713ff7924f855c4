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
}
