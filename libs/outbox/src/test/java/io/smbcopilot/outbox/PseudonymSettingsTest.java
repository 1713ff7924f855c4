package io.smbcopilot.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The settings and pseudonyms of PersonPseudonymisation (issue 18). */
class PseudonymSettingsTest {
  @Test
  void entriesAreReadAsQuotedIdentifiersAndAWrongOneSaysWhatIsWrong() {
    assertThat(PersonPseudonymisation.columns("audit_event.ip=actor_id", true))
        .containsExactly("\"audit_event\"", "\"ip\"", "\"actor_id\"");
    assertThat(PersonPseudonymisation.columns("mail_message.to_address", false))
        .containsExactly("\"mail_message\"", "\"to_address\"");
    assertThatThrownBy(() -> PersonPseudonymisation.columns("audit_event.ip", true))
        .hasMessageContaining("is not table.column=idcolumn");
    assertThatThrownBy(() -> PersonPseudonymisation.columns("notification", false))
        .hasMessageContaining("is not table.column");
  }

  @Test
  void aPseudonymIsNewEachTimeAndItsAddressCannotBeDelivered() {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 1000; i++) {
      String pseudonym = PersonPseudonymisation.pseudonym();
      assertThat(pseudonym).matches("former-member-[0-9a-f]{12}");
      assertThat(seen.add(pseudonym)).isTrue();
    }
    // .invalid is reserved (RFC 2606): no mail to it reaches anyone
    assertThat(PersonPseudonymisation.address("former-member-0a1b2c3d4e5f"))
        .isEqualTo("former-member-0a1b2c3d4e5f@pseudonymised.invalid");
  }
}
