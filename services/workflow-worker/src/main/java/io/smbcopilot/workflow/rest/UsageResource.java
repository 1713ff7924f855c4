package io.smbcopilot.workflow.rest;

import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.security.PermissionsAllowed;
import io.smallrye.mutiny.Uni;
import io.smbcopilot.problem.ProblemException;
import io.smbcopilot.security.Permission;
import io.smbcopilot.security.TenantContext;
import io.smbcopilot.workflow.copilot.Metering;
import io.smbcopilot.workflow.repository.UsageRepository;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The copilot's usage of the tenant (admins): answers, tokens and cost, grouped. */
@Path("/api/v1/usage")
@Tag(name = "copilot")
@Produces(MediaType.APPLICATION_JSON)
public class UsageResource {
  /** Longest span of one report. */
  static final long MAX_DAYS = 366;

  public record Group(
      @Schema(description = "the day (YYYY-MM-DD, UTC), the user id or provider/model") String key,
      long answers,
      long inputTokens,
      long outputTokens,
      BigDecimal cost) {}

  public record Report(
      LocalDate from,
      LocalDate to,
      String groupBy,
      List<Group> groups,
      long inputTokens,
      long outputTokens,
      BigDecimal cost,
      @Schema(description = "the plan's monthly token budget; null: unlimited")
          Long monthlyTokenBudget,
      @Schema(description = "tokens used this calendar month (UTC)") long usedThisMonth) {}

  private final UsageRepository usage;
  private final Metering metering;
  private final TenantContext context;

  public UsageResource(UsageRepository usage, Metering metering, TenantContext context) {
    this.usage = usage;
    this.metering = metering;
    this.context = context;
  }

  @GET
  @WithSession
  @PermissionsAllowed(Permission.Names.TENANT_MANAGE)
  @Operation(
      summary = "The copilot's usage: answers, tokens and cost",
      description =
          "From (inclusive) to (exclusive) are dates, UTC; default: this month. groupBy: day"
              + " (default), user or model.")
  @APIResponse(responseCode = "200", description = "the groups and totals")
  @APIResponse(responseCode = "400", description = "a bad date, from after to, over 366 days")
  @APIResponse(responseCode = "403", description = "not an admin")
  public Uni<Report> report(
      @QueryParam("from") String from,
      @QueryParam("to") String to,
      @QueryParam("groupBy") String groupBy) {
    String by = groupBy == null || groupBy.isBlank() ? "day" : groupBy;
    if (!List.of("day", "user", "model").contains(by)) {
      throw ProblemException.invalid("query.groupBy", "must be day, user or model");
    }
    LocalDate today = LocalDate.now(ZoneOffset.UTC);
    LocalDate start = date("query.from", from, today.withDayOfMonth(1));
    LocalDate end = date("query.to", to, today.plusDays(1));
    if (!start.isBefore(end)) {
      throw ProblemException.invalid("query.from", "must be before to");
    }
    if (ChronoUnit.DAYS.between(start, end) > MAX_DAYS) {
      throw ProblemException.invalid("query.to", "a report spans " + MAX_DAYS + " days at most");
    }
    var tenant = context.tenantId();
    Long budget = metering.budget(context.token().plan()).orElse(null);
    OffsetDateTime month = today.withDayOfMonth(1).atStartOfDay().atOffset(ZoneOffset.UTC);
    return usage
        .report(
            tenant,
            start.atStartOfDay().atOffset(ZoneOffset.UTC),
            end.atStartOfDay().atOffset(ZoneOffset.UTC),
            by)
        .chain(
            rows ->
                usage
                    .tokensSince(tenant, month)
                    .map(
                        used -> {
                          List<Group> groups =
                              rows.stream()
                                  .map(
                                      r ->
                                          new Group(
                                              r.key(),
                                              r.answers(),
                                              r.inputTokens(),
                                              r.outputTokens(),
                                              r.cost()))
                                  .toList();
                          return new Report(
                              start,
                              end,
                              by,
                              groups,
                              groups.stream().mapToLong(Group::inputTokens).sum(),
                              groups.stream().mapToLong(Group::outputTokens).sum(),
                              groups.stream()
                                  .map(Group::cost)
                                  .reduce(BigDecimal.ZERO, BigDecimal::add),
                              budget,
                              used);
                        }));
  }

  private static LocalDate date(String field, String value, LocalDate otherwise) {
    if (value == null || value.isBlank()) {
      return otherwise;
    }
    try {
      return LocalDate.parse(value);
    } catch (DateTimeParseException e) {
      throw ProblemException.invalid(field, "must be a date, YYYY-MM-DD");
    }
  }
}
