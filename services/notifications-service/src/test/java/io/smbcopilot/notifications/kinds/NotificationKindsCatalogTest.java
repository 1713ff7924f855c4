package io.smbcopilot.notifications.kinds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.qute.Engine;
import org.junit.jupiter.api.Test;

/** The catalog's rules for whom a kind goes to, checked as it loads. */
class NotificationKindsCatalogTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Engine ENGINE = Engine.builder().addDefaults().build();

  private static JsonNode catalog(String to) throws Exception {
    return JSON.readTree(
        "{\"kinds\": [{\"kind\": \"k\", \"description\": \"d\", \"event\": \"e\", \"delivery\":"
            + " \"in-app\", \"title\": \"t\", \"body\": \"b\""
            + (to == null ? "" : ", \"to\": " + to)
            + "}]}");
  }

  @Test
  void aKindGoesToARoleOrAPermissionOfTheCatalog() throws Exception {
    NotificationKinds.Kind byPermission =
        NotificationKinds.parse(catalog("{\"permission\": \"members:manage\"}"), ENGINE)
            .get("k")
            .orElseThrow();
    assertThat(byPermission.toGroup()).isTrue();
    assertThat(byPermission.toPermission()).isEqualTo("members:manage");
    assertThat(byPermission.toRoles()).isEmpty();

    assertThatThrownBy(
            () -> NotificationKinds.parse(catalog("{\"permission\": \"members:rule\"}"), ENGINE))
        .hasMessageContaining("unknown permission members:rule");
    assertThatThrownBy(() -> NotificationKinds.parse(catalog(null), ENGINE))
        .hasMessageContaining("needs 'to'");
  }

  @Test
  void theShippedCatalogNamesAPermissionForEveryKindThatGoesToTheAdmins() {
    NotificationKinds kinds = NotificationKinds.load(JSON, ENGINE);
    assertThat(kinds.all())
        .filteredOn(k -> !k.toRoles().isEmpty())
        .isNotEmpty()
        .allSatisfy(k -> assertThat(k.toPermission()).as(k.kind()).isNotNull());
    assertThat(kinds.get("webhook.disabled").orElseThrow().toPermission())
        .isEqualTo("webhooks:manage");
  }
}
