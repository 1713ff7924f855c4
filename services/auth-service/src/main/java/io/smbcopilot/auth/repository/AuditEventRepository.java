package io.smbcopilot.auth.repository;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import io.smallrye.mutiny.Uni;
import io.smbcopilot.auth.domain.AuditEvent;
import io.smbcopilot.outbox.SqlValues;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/** The append-only audit log: entries are persisted and read, never changed. */
@ApplicationScoped
public class AuditEventRepository implements PanacheRepositoryBase<AuditEvent, Long> {

  /** What to look for; null fields do not filter. */
  public record Filter(
      OffsetDateTime from,
      OffsetDateTime to,
      String actorId,
      String action,
      String actionPrefix,
      Long beforeSeq) {}

  /** The tenant's entries matching the filter, newest first. */
  public Uni<List<AuditEvent>> search(UUID tenantId, Filter filter, int limit) {
    StringBuilder query = new StringBuilder("tenantId = :tenant");
    Parameters parameters = Parameters.with("tenant", tenantId);
    if (filter.from() != null) {
      query.append(" and occurredAt >= :from");
      parameters.and("from", filter.from());
    }
    if (filter.to() != null) {
      query.append(" and occurredAt < :to");
      parameters.and("to", filter.to());
    }
    if (filter.actorId() != null) {
      query.append(" and actorId = :actor");
      parameters.and("actor", filter.actorId());
    }
    if (filter.action() != null) {
      query.append(" and action = :action");
      parameters.and("action", filter.action());
    }
    if (filter.actionPrefix() != null) {
      query.append(" and substring(action, 1, length(:prefix)) = :prefix");
      parameters.and("prefix", filter.actionPrefix());
    }
    if (filter.beforeSeq() != null) {
      query.append(" and seq < :before");
      parameters.and("before", filter.beforeSeq());
    }
    return find(query.append(" order by seq desc").toString(), parameters)
        .range(0, limit - 1)
        .list();
  }

  /** How many of the tenant's entries name the person, as actor or as target. */
  public Uni<Long> mentions(UUID tenantId, String userId) {
    return count("tenantId = ?1 and (actorId = ?2 or targetId = ?2)", tenantId, userId);
  }

  /** The addresses the entries about the person give them (their details' email), lower case. */
  public Uni<List<String>> addressesOf(UUID tenantId, String userId) {
    return getSession()
        .chain(
            s ->
                s.createNativeQuery(
                        "SELECT DISTINCT lower(details->>'email') FROM audit_event"
                            + " WHERE tenant_id = ?1 AND target_id = ?2"
                            + " AND details->>'email' IS NOT NULL",
                        String.class)
                    .setParameter(1, tenantId)
                    .setParameter(2, userId)
                    .getResultList());
  }

  /**
   * A person who left or was removed: their id, the address the entry gives, how, when, and the
   * entry's position.
   */
  public record Departure(
      String userId, String email, String action, OffsetDateTime at, long seq) {}

  /**
   * The people who left or were removed and are no members now, nor pseudonymised yet (their
   * entries name the pseudonym then), each once, by their last departure, newest first, before the
   * entry {@code beforeSeq}.
   */
  public Uni<List<Departure>> departures(UUID tenantId, long beforeSeq, int limit) {
    return getSession()
        .chain(
            s ->
                s.createNativeQuery(
                        "SELECT target_id, email, action, occurred_at, seq FROM ("
                            + " SELECT DISTINCT ON (a.target_id) a.target_id,"
                            + " a.details->>'email' AS email, a.action, a.occurred_at, a.seq"
                            + " FROM audit_event a WHERE a.tenant_id = ?1"
                            + " AND a.action IN ('member.left', 'member.removed')"
                            + " AND a.result = 'success' AND a.target_id IS NOT NULL"
                            + " AND a.target_id NOT LIKE 'former-member-%'"
                            + " AND NOT EXISTS (SELECT 1 FROM membership m"
                            + " WHERE m.tenant_id = a.tenant_id AND m.user_id = a.target_id)"
                            + " ORDER BY a.target_id, a.seq DESC) f"
                            + " WHERE seq < ?2 ORDER BY seq DESC LIMIT ?3",
                        Object[].class)
                    .setParameter(1, tenantId)
                    .setParameter(2, beforeSeq)
                    .setParameter(3, limit)
                    .getResultList())
        .map(
            rows ->
                rows.stream()
                    .map(
                        r ->
                            new Departure(
                                (String) r[0],
                                (String) r[1],
                                (String) r[2],
                                SqlValues.time(r[3]),
                                ((Number) r[4]).longValue()))
                    .toList());
  }
}
