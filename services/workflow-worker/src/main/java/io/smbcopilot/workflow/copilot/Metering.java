package io.smbcopilot.workflow.copilot;

import io.smallrye.config.ConfigMapping;
import io.smallrye.mutiny.Uni;
import io.smbcopilot.events.CloudEvent;
import io.smbcopilot.events.EventType;
import io.smbcopilot.events.copilot.CopilotAnswered;
import io.smbcopilot.events.copilot.CopilotBudgetReached;
import io.smbcopilot.outbox.Outbox;
import io.smbcopilot.problem.ProblemException;
import io.smbcopilot.problem.ProblemType;
import io.smbcopilot.workflow.domain.UsageRecord;
import io.smbcopilot.workflow.repository.UsageRepository;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigDecimal;
import java.math.MathContext;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Usage metering: every answer's record (tokens, latency, cost from the price table), the {@code
 * copilot.answered} event, and the monthly token budget of the tenant's plan, checked before a
 * model is asked, its 80% and 100% crossings told once a month as {@code copilot.budget-reached}.
 * Months are calendar months in UTC. The extractive answerer costs no tokens and is never refused.
 */
@ApplicationScoped
public class Metering {
  static final String SOURCE = "/workflow-worker/copilot";

  @ConfigMapping(prefix = "copilot.usage")
  public interface Config {
    /** Tokens a month for a plan without its own budget; none: unlimited. */
    Optional<Long> monthlyTokenBudget();

    /** Tokens a month by plan name ({@code copilot.usage.plan-budgets.free=200000}). */
    Map<String, Long> planBudgets();

    /**
     * Prices by {@code provider/model}: input and output per million tokens, comma-separated
     * ({@code copilot.usage.prices."openai/gpt-4o-mini"=0.15,0.60}).
     */
    Map<String, String> prices();
  }

  private final Config config;
  private final UsageRepository usage;
  private final Outbox outbox;
  private final CopilotMetrics metrics;

  public Metering(Config config, UsageRepository usage, Outbox outbox, CopilotMetrics metrics) {
    this.config = config;
    this.usage = usage;
    this.outbox = outbox;
    this.metrics = metrics;
  }

  /** The plan's monthly budget in tokens, if it has one. */
  public Optional<Long> budget(String plan) {
    Long own = plan == null ? null : config.planBudgets().get(plan);
    return own != null ? Optional.of(own) : config.monthlyTokenBudget();
  }

  static OffsetDateTime monthStart(OffsetDateTime now) {
    return now.withOffsetSameInstant(ZoneOffset.UTC).withDayOfMonth(1).truncatedTo(ChronoUnit.DAYS);
  }

  /** Fails with 429 quota-exceeded when the tenant's tokens this month reached its budget. */
  public Uni<Void> checkBudget(UUID tenantId, String plan) {
    Optional<Long> budget = budget(plan);
    if (budget.isEmpty()) {
      return Uni.createFrom().voidItem();
    }
    return usage
        .tokensSince(tenantId, monthStart(OffsetDateTime.now()))
        .invoke(
            used -> {
              if (used >= budget.get()) {
                throw new ProblemException(
                    ProblemType.QUOTA_EXCEEDED,
                    "the copilot's monthly token budget of "
                        + budget.get()
                        + " tokens is used up ("
                        + used
                        + " this month); it renews on the first of next month");
              }
            })
        .replaceWithVoid();
  }

  /** What an answer is recorded with. */
  public record Answer(
      UUID tenantId,
      String userId,
      String plan,
      UUID conversationId,
      UUID messageId,
      String answerer,
      String provider,
      String model,
      boolean abstained,
      int citations,
      AnswerEvent.Usage tokens,
      long latencyMs) {}

  /**
   * Records the answer, tells it, and tells the budget's crossings; in the caller's transaction.
   */
  public Uni<Void> record(Answer a) {
    UsageRecord r = new UsageRecord();
    r.id = UUID.randomUUID();
    r.tenantId = a.tenantId();
    r.userId = a.userId();
    r.conversationId = a.conversationId();
    r.messageId = a.messageId();
    r.answerer = a.answerer();
    r.provider = a.provider();
    r.model = a.model();
    r.inputTokens = a.tokens().inputTokens();
    r.outputTokens = a.tokens().outputTokens();
    r.estimated = a.tokens().estimated();
    r.latencyMs = a.latencyMs();
    r.cost = cost(a.provider(), a.model(), r.inputTokens, r.outputTokens);
    r.createdAt = OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
    CopilotAnswered told =
        new CopilotAnswered(
            a.tenantId().toString(),
            a.userId(),
            a.conversationId() == null ? null : a.conversationId().toString(),
            a.messageId() == null ? null : a.messageId().toString(),
            a.answerer(),
            a.model(),
            a.abstained(),
            a.citations(),
            r.inputTokens,
            r.outputTokens,
            r.estimated,
            r.latencyMs);
    return usage
        .persist(r)
        .chain(
            () ->
                outbox.append(
                    CloudEvent.of(
                        EventType.COPILOT_ANSWERED,
                        SOURCE,
                        a.tenantId().toString(),
                        "message/" + a.messageId(),
                        told)))
        .chain(() -> thresholds(a.tenantId(), a.plan(), r.inputTokens + r.outputTokens))
        .invoke(
            () ->
                metrics.answered(
                    a.provider(), a.abstained(), r.inputTokens, r.outputTokens, r.cost));
  }

  private Uni<Void> thresholds(UUID tenantId, String plan, long spent) {
    Optional<Long> budget = budget(plan);
    if (budget.isEmpty() || spent == 0) {
      return Uni.createFrom().voidItem();
    }
    OffsetDateTime start = monthStart(OffsetDateTime.now());
    String month = YearMonth.from(start).toString();
    return usage
        .tokensSince(tenantId, start)
        .chain(
            used -> {
              Uni<Void> told = Uni.createFrom().voidItem();
              for (int percent : new int[] {80, 100}) {
                if (used * 100 >= budget.get() * percent) {
                  told = told.chain(() -> tell(tenantId, month, percent, used, budget.get()));
                }
              }
              return told;
            });
  }

  private Uni<Void> tell(UUID tenantId, String month, int percent, long used, long budget) {
    return usage
        .firstAlert(tenantId, month, percent)
        .chain(
            first ->
                first
                    ? outbox
                        .append(
                            CloudEvent.of(
                                EventType.COPILOT_BUDGET_REACHED,
                                SOURCE,
                                tenantId.toString(),
                                "budget/" + month,
                                new CopilotBudgetReached(
                                    tenantId.toString(), month, percent, used, budget)))
                        .invoke(() -> metrics.budgetCrossed(percent))
                    : Uni.createFrom().voidItem());
  }

  /** The answer's cost from the price table (0 for a model without a price). */
  BigDecimal cost(String provider, String model, long input, long output) {
    String price = config.prices().get(provider + "/" + model);
    if (price == null) {
      return BigDecimal.ZERO;
    }
    String[] parts = price.split(",");
    BigDecimal in = new BigDecimal(parts[0].trim());
    BigDecimal out = parts.length > 1 ? new BigDecimal(parts[1].trim()) : in;
    return in.multiply(BigDecimal.valueOf(input))
        .add(out.multiply(BigDecimal.valueOf(output)))
        .divide(BigDecimal.valueOf(1_000_000), MathContext.DECIMAL64);
  }
}
