package io.smbcopilot.workflow.repository;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import io.smallrye.mutiny.Uni;
import io.smbcopilot.workflow.domain.UsageRecord;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/** Usage records of one tenant: sums for the budget, groups for reports. */
@ApplicationScoped
public class UsageRepository implements PanacheRepositoryBase<UsageRecord, UUID> {
  /** A group of a report: its key, answers, tokens and cost. */
  public record Row(
      String key, long answers, long inputTokens, long outputTokens, BigDecimal cost) {}

  /** Tokens the tenant's answers used since the instant. */
  public Uni<Long> tokensSince(UUID tenantId, OffsetDateTime since) {
    return find(
            "select coalesce(sum(u.inputTokens + u.outputTokens), 0) from UsageRecord u"
                + " where u.tenantId = :tenant and u.createdAt >= :since",
            Parameters.with("tenant", tenantId).and("since", since))
        .project(Long.class)
        .firstResult();
  }

  /** The tenant's usage in [from, to), grouped by day (UTC), user or provider and model. */
  public Uni<List<Row>> report(UUID tenantId, OffsetDateTime from, OffsetDateTime to, String by) {
    String key =
        switch (by) {
          case "user" -> "u.userId";
          case "model" -> "concat(u.provider, '/', coalesce(u.model, ''))";
          default -> "cast(cast(u.createdAt as LocalDate) as String)";
        };
    String hql =
        "select "
            + key
            + ", count(u), sum(u.inputTokens), sum(u.outputTokens), sum(u.cost)"
            + " from UsageRecord u where u.tenantId = :tenant and u.createdAt >= :from"
            + " and u.createdAt < :to group by 1 order by 1";
    return Panache.getSession()
        .chain(
            s ->
                s.createSelectionQuery(hql, Object[].class)
                    .setParameter("tenant", tenantId)
                    .setParameter("from", from)
                    .setParameter("to", to)
                    .getResultList())
        .map(
            rows ->
                rows.stream()
                    .map(
                        r ->
                            new Row(
                                String.valueOf(r[0]),
                                ((Number) r[1]).longValue(),
                                ((Number) r[2]).longValue(),
                                ((Number) r[3]).longValue(),
                                (BigDecimal) r[4]))
                    .toList());
  }

  /**
   * Marks the tenant's month as having crossed the share of its budget; true only the first time
   * (the event is told once).
   */
  public Uni<Boolean> firstAlert(UUID tenantId, String month, int percent) {
    return Panache.getSession()
        .chain(
            s ->
                s.createNativeQuery(
                        "INSERT INTO budget_alert (tenant_id, month, percent) VALUES (?1, ?2, ?3)"
                            + " ON CONFLICT DO NOTHING")
                    .setParameter(1, tenantId)
                    .setParameter(2, month)
                    .setParameter(3, percent)
                    .executeUpdate())
        .map(inserted -> inserted == 1);
  }
}
