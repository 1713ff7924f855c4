package io.smbcopilot.workflow.copilot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smbcopilot.problem.ProblemException;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A tenant's base URL must reach a public host, unless the operator allows the host by name. */
class BaseUrlPolicyTest {
  private final BaseUrlPolicy none = new BaseUrlPolicy(Optional.empty());

  @Test
  void internalAddressesAreRefusedWithTheReason() {
    assertRefused("http://127.0.0.1:11434/v1", "loopback");
    assertRefused("http://localhost:11434/v1", "loopback");
    assertRefused("http://[::1]/v1", "loopback");
    assertRefused("http://10.0.0.5/v1", "private");
    assertRefused("http://172.16.3.4/v1", "private");
    assertRefused("http://192.168.1.10/v1", "private");
    assertRefused("http://169.254.169.254/latest/meta-data", "link-local");
    assertRefused("http://[fd00::1]/v1", "unique local");
    assertRefused("http://100.64.0.1/v1", "carrier-grade");
    assertRefused("http://0.0.0.0/v1", "not a host");
    assertRefused("http://metadata.google.internal/v1", "metadata");
    assertRefused("ftp://api.example.com/v1", "http or https");
    assertRefused("https://user:pw@93.184.216.34/v1", "credentials");
    assertRefused("not a url at all", "not a URL");
  }

  @Test
  void publicHostsPassAndOperatorsMayAllowInternalOnes() {
    assertThat(none.check("https://93.184.216.34/v1/")).isEqualTo("https://93.184.216.34/v1");
    BaseUrlPolicy allowing = new BaseUrlPolicy(Optional.of(List.of("127.0.0.1", " Ollama ")));
    assertThat(allowing.check("http://127.0.0.1:11434/v1")).isEqualTo("http://127.0.0.1:11434/v1");
    assertThat(allowing.check("http://ollama:11434/v1")).isEqualTo("http://ollama:11434/v1");
    assertThatThrownBy(() -> allowing.check("http://10.0.0.5/v1"))
        .isInstanceOf(ProblemException.class);
  }

  private void assertRefused(String url, String reason) {
    assertThatThrownBy(() -> none.check(url))
        .as(url)
        .isInstanceOf(ProblemException.class)
        .hasMessageContaining(reason);
  }
}
