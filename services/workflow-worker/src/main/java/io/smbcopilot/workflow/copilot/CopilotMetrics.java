package io.smbcopilot.workflow.copilot;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigDecimal;
import java.util.List;

/**
 * The copilot's and the workflows' meters, which the Grafana dashboards and the alert rules read
 * (deploy/helm/smb-copilot/files). Every series that an alert or a panel names is registered at
 * start, at zero, so that a rule sees a rate from the first scrape rather than an absent series.
 */
@ApplicationScoped
@Startup
public class CopilotMetrics {
  /** Answerers whose series exist from the start; another provider's appear when first used. */
  static final List<String> ANSWERERS = List.of("extractive", "openai", "anthropic");

  /** How a call to a model provider ended. */
  public enum ProviderOutcome {
    /** It answered. */
    OK,
    /** It failed before its first token; the extractive answerer answered instead. */
    FALLBACK,
    /** It refused the request (a key, a model, a request it does not take). */
    REFUSED,
    /** It failed after its first token. */
    FAILED;

    String tag() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** How a workflow run ended. */
  public static final List<String> RUN_OUTCOMES = List.of("succeeded", "failed", "cancelled");

  private final MeterRegistry registry;

  public CopilotMetrics(MeterRegistry registry) {
    this.registry = registry;
    for (String answerer : ANSWERERS) {
      answers(answerer, false);
      answers(answerer, true);
      tokens(answerer, "input");
      tokens(answerer, "output");
      cost(answerer);
      if (!answerer.equals("extractive")) {
        for (ProviderOutcome o : ProviderOutcome.values()) {
          provider(answerer, o);
        }
      }
    }
    budget(80);
    budget(100);
    for (String outcome : RUN_OUTCOMES) {
      runs(outcome);
    }
  }

  /** An answer was kept: who answered, whether it abstained, its tokens and cost. */
  public void answered(
      String answerer, boolean abstained, long input, long output, BigDecimal cost) {
    answers(answerer, abstained).increment();
    tokens(answerer, "input").increment(input);
    tokens(answerer, "output").increment(output);
    if (cost != null && cost.signum() > 0) {
      cost(answerer).increment(cost.doubleValue());
    }
  }

  /** A call to a model provider ended so. */
  public void provider(String provider, ProviderOutcome outcome, int times) {
    provider(provider, outcome).increment(times);
  }

  /** A tenant crossed this share of its monthly token budget (told once a month). */
  public void budgetCrossed(int percent) {
    budget(percent).increment();
  }

  /** A workflow run ended (its status as stored: succeeded, failed, cancelled). */
  public void runFinished(String status) {
    runs(status.toLowerCase(java.util.Locale.ROOT)).increment();
  }

  private Counter answers(String answerer, boolean abstained) {
    return Counter.builder("copilot.answers")
        .description("Answers kept, by answerer and outcome")
        .tag("answerer", answerer)
        .tag("outcome", abstained ? "abstained" : "answered")
        .register(registry);
  }

  private Counter tokens(String answerer, String direction) {
    return Counter.builder("copilot.answer.tokens")
        .description("Model tokens of kept answers, by answerer and direction")
        .tag("answerer", answerer)
        .tag("direction", direction)
        .register(registry);
  }

  private Counter cost(String answerer) {
    return Counter.builder("copilot.answer.cost.usd")
        .description("Cost of kept answers from the price table, in US dollars")
        .tag("answerer", answerer)
        .register(registry);
  }

  private Counter provider(String provider, ProviderOutcome outcome) {
    return Counter.builder("copilot.provider.calls")
        .description("Calls to model providers, by provider and outcome")
        .tag("provider", provider)
        .tag("outcome", outcome.tag())
        .register(registry);
  }

  private Counter budget(int percent) {
    return Counter.builder("copilot.budget.crossings")
        .description("Tenants that crossed a share of their monthly token budget")
        .tag("percent", Integer.toString(percent))
        .register(registry);
  }

  private Counter runs(String outcome) {
    return Counter.builder("copilot.workflow.runs")
        .description("Workflow runs that ended, by outcome")
        .tag("outcome", outcome)
        .register(registry);
  }
}
