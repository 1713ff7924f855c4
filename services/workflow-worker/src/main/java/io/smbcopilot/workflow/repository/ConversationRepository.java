package io.smbcopilot.workflow.repository;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import io.smallrye.mutiny.Uni;
import io.smbcopilot.problem.Paging;
import io.smbcopilot.workflow.domain.Conversation;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.UUID;

/** Conversations, always of one user of one tenant. */
@ApplicationScoped
public class ConversationRepository implements PanacheRepositoryBase<Conversation, UUID> {
  /** The user's conversation, or null (another user's is null too). */
  public Uni<Conversation> own(UUID tenantId, String userId, UUID id) {
    return find(
            "id = :id and tenantId = :tenant and userId = :user",
            Parameters.with("id", id).and("tenant", tenantId).and("user", userId))
        .firstResult();
  }

  /** The user's conversations, most recently active first, after the cursor. */
  public Uni<List<Conversation>> page(
      UUID tenantId, String userId, Paging.TimeCursor after, int limit) {
    Parameters parameters = Parameters.with("tenant", tenantId).and("user", userId);
    return find(
            Keyset.newestFirst(
                "tenantId = :tenant and userId = :user", "updatedAt", after, parameters),
            parameters)
        .range(0, limit - 1)
        .list();
  }
}
