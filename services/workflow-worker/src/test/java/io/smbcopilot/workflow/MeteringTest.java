package io.smbcopilot.workflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.vertx.VertxContextSupport;
import io.smbcopilot.devstack.DevStackResource;
import io.smbcopilot.problem.ProblemException;
import io.smbcopilot.problem.ProblemType;
import io.smbcopilot.testing.InternalTokenResource;
import io.smbcopilot.workflow.copilot.AnswerEvent;
import io.smbcopilot.workflow.copilot.Metering;
import io.smbcopilot.workflow.repository.UsageRepository;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Usage metering on the real database: each answer's record with its cost from the price table, the
 * copilot.answered event in the outbox, the monthly budget of the plan checked before a model is
 * asked (429 quota-exceeded once it is used up) and its 80% and 100% crossings told once each.
 */
@QuarkusTest
@TestProfile(MeteringTest.OutboxKept.class)
@WithTestResource(InternalTokenResource.class)
@WithTestResource(
    value = DevStackResource.class,
    initArgs = {
      @ResourceArg(name = "service", value = "workflow-worker"),
      @ResourceArg(name = "components", value = "postgres,kafka")
    })
class MeteringTest {
  /**
   * The relay off: the events stay in the outbox, where the test counts them. An encryption key
   * made for this run seals the secrets the tests keep (webhook triggers').
   */
  public static class OutboxKept implements QuarkusTestProfile {
    private static final String KEY = randomKey();

    private static String randomKey() {
      byte[] bytes = new byte[32];
      new java.security.SecureRandom().nextBytes(bytes);
      return java.util.Base64.getEncoder().encodeToString(bytes);
    }

    @Override
    public java.util.Map<String, String> getConfigOverrides() {
      return java.util.Map.of(
          "copilot.outbox.relay-enabled", "false", "copilot.secrets.encryption-key", KEY);
    }
  }

  @Inject Metering metering;
  @Inject UsageRepository usage;
  @Inject Pool pool;
  @Inject com.fasterxml.jackson.databind.ObjectMapper json;

  private void record(UUID tenant, long input, long output) throws Throwable {
    VertxContextSupport.subscribeAndAwait(
        () ->
            Panache.withTransaction(
                () ->
                    metering.record(
                        new Metering.Answer(
                            tenant,
                            "user-1",
                            "tiny",
                            UUID.randomUUID(),
                            UUID.randomUUID(),
                            "openai",
                            "openai",
                            "stub-model",
                            false,
                            1,
                            new AnswerEvent.Usage(input, output, false),
                            120))));
  }

  private void checkBudget(UUID tenant) throws Throwable {
    VertxContextSupport.subscribeAndAwait(
        () -> Panache.withSession(() -> metering.checkBudget(tenant, "tiny")));
  }

  private long events(UUID tenant, String type) {
    return events(pool, tenant, type);
  }

  /** The tenant's events of this type in the outbox (kept there: the relay is off). */
  static long events(Pool pool, UUID tenant, String type) {
    return pool.preparedQuery(
            "SELECT count(*) FROM outbox_event WHERE tenant_id = $1 AND type = $2")
        .execute(Tuple.of(tenant.toString(), type))
        .await()
        .indefinitely()
        .iterator()
        .next()
        .getLong(0);
  }

  @Test
  void answersAreRecordedPricedToldAndTheBudgetHolds() throws Throwable {
    UUID tenant = UUID.randomUUID();
    record(tenant, 500, 100); // 600 of 1000
    checkBudget(tenant);
    assertThat(events(tenant, "io.smbcopilot.copilot.answered.v1")).isEqualTo(1);
    assertThat(events(tenant, "io.smbcopilot.copilot.budget-reached.v1")).isZero();

    record(tenant, 200, 50); // 850: past 80%
    record(tenant, 10, 10); // 870: still past 80%, told once
    assertThat(events(tenant, "io.smbcopilot.copilot.budget-reached.v1")).isEqualTo(1);
    checkBudget(tenant);

    record(tenant, 100, 50); // 1020: the budget is used up
    assertThat(events(tenant, "io.smbcopilot.copilot.budget-reached.v1")).isEqualTo(2);
    assertThatThrownBy(() -> checkBudget(tenant))
        .isInstanceOfSatisfying(
            ProblemException.class, e -> assertThat(e.type()).isEqualTo(ProblemType.QUOTA_EXCEEDED))
        .hasMessageContaining("1000 tokens");
    // another tenant is not affected
    checkBudget(UUID.randomUUID());

    // the report: by model, with the cost from the price table (2.00 in, 8.00 out per million)
    OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
    List<UsageRepository.Row> rows =
        VertxContextSupport.subscribeAndAwait(
            () ->
                Panache.withSession(
                    () -> usage.report(tenant, now.minusDays(1), now.plusDays(1), "model")));
    assertThat(rows).hasSize(1);
    UsageRepository.Row row = rows.get(0);
    assertThat(row.key()).isEqualTo("openai/stub-model");
    assertThat(row.answers()).isEqualTo(4);
    assertThat(row.inputTokens()).isEqualTo(810);
    assertThat(row.outputTokens()).isEqualTo(210);
    assertThat(row.cost()).isEqualByComparingTo(new BigDecimal("0.00330")); // 810*2e-6 + 210*8e-6
    // costs are written as plain decimals, never 3.3E-3 or 0E-8
    assertThat(json.writeValueAsString(row.cost())).matches("0\\.00330*");
    assertThat(json.writeValueAsString(new BigDecimal("0E-8"))).isEqualTo("0.00000000");
    assertThat(json.writeValueAsString(new BigDecimal("1.23E-6"))).isEqualTo("0.00000123");
    List<UsageRepository.Row> byDay =
        VertxContextSupport.subscribeAndAwait(
            () ->
                Panache.withSession(
                    () -> usage.report(tenant, now.minusDays(1), now.plusDays(1), "day")));
    assertThat(byDay)
        .extracting(UsageRepository.Row::key)
        .containsExactly(now.toLocalDate().toString());
  }
}
