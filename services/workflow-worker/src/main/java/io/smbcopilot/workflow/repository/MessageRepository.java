package io.smbcopilot.workflow.repository;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import io.smallrye.mutiny.Uni;
import io.smbcopilot.workflow.domain.Message;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.UUID;

/** The messages of conversations. */
@ApplicationScoped
public class MessageRepository implements PanacheRepositoryBase<Message, UUID> {
  /** The conversation's messages in order. */
  public Uni<List<Message>> of(UUID conversationId) {
    return find("conversationId = :c order by seq", Parameters.with("c", conversationId)).list();
  }

  /** Its last {@code n} messages, oldest first. */
  public Uni<List<Message>> last(UUID conversationId, int n) {
    return find("conversationId = :c order by seq desc", Parameters.with("c", conversationId))
        .range(0, n - 1)
        .list()
        .map(
            list -> {
              java.util.List<Message> ordered = new java.util.ArrayList<>(list);
              java.util.Collections.reverse(ordered);
              return ordered;
            });
  }

  /** The questions asked most in the tenant since {@code since}: text and count, at most n. */
  public Uni<List<Object[]>> mostAsked(UUID tenantId, java.time.OffsetDateTime since, int n) {
    return getSession()
        .chain(
            session ->
                session
                    .createQuery(
                        "select lower(trim(m.content)), count(m) from Message m where m.tenantId ="
                            + " :tenant and m.role = :user and m.createdAt >= :since group by"
                            + " lower(trim(m.content)) order by count(m) desc, lower(trim(m.content))",
                        Object[].class)
                    .setParameter("tenant", tenantId)
                    .setParameter("user", Message.USER)
                    .setParameter("since", since)
                    .setMaxResults(n)
                    .getResultList());
  }
}
