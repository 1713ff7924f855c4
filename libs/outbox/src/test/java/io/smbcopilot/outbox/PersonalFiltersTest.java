package io.smbcopilot.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What {@code copilot.export.personal} makes of its entries (TenantExport, issue 18). */
class PersonalFiltersTest {
  @Test
  void directEntriesOfATableAreJoinedAndAChildFollowsItsParentsRows() {
    Map<String, List<String>> filters =
        TenantExport.personalFilters(
            List.of(
                "audit_event.actor_id",
                "audit_event.target_id",
                "conversation.user_id",
                "message.conversation_id=conversation"));
    assertThat(filters.get("audit_event"))
        .containsExactly("\"actor_id\"::text = $2", "\"target_id\"::text = $2");
    assertThat(filters.get("message"))
        .containsExactly(
            "\"conversation_id\" IN (SELECT id FROM \"conversation\" WHERE tenant_id::text = $1"
                + " AND (\"user_id\"::text = $2))");
    assertThat(filters).doesNotContainKey("tenant");
  }

  @Test
  void aWrongEntryIsRefusedSayingWhatIsWrong() {
    assertThatThrownBy(() -> TenantExport.personalFilters(List.of("membership")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("membership is not table.column");
    assertThatThrownBy(() -> TenantExport.personalFilters(List.of("message.conversation_id=x")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("names a parent with no column of the person");
  }
}
