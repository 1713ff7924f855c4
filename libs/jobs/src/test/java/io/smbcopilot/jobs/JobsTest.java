package io.smbcopilot.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Uni;
import io.smbcopilot.devstack.DevStackResource;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * {@link Jobs#enqueue} joins the caller's Hibernate Reactive transaction: the job exists exactly
 * when that transaction commits, ready for a worker at its time.
 */
@QuarkusTest
@WithTestResource(
    value = DevStackResource.class,
    initArgs = {
      @ResourceArg(name = "service", value = "jobs-app-test"),
      @ResourceArg(name = "components", value = "postgres")
    })
class JobsTest {
  @Inject Jobs jobs;
  @Inject Pool pool;

  @Test
  void aJobCommitsWithTheTransactionThatAddsItAndVanishesWithOneThatRollsBack() throws Throwable {
    String queue = "test-" + UUID.randomUUID();
    UUID tenant = UUID.randomUUID();
    UUID committed =
        VertxContextSupport.subscribeAndAwait(
            () ->
                Panache.withTransaction(
                    () -> jobs.enqueue(queue, tenant, "{\"to\":\"partner\"}", Duration.ZERO)));
    assertThatThrownBy(
            () ->
                VertxContextSupport.subscribeAndAwait(
                    () ->
                        Panache.withTransaction(
                            () ->
                                jobs.enqueue(queue, tenant, "{\"to\":\"nobody\"}", Duration.ZERO)
                                    .flatMap(
                                        id ->
                                            Uni.createFrom()
                                                .<UUID>failure(
                                                    new IllegalStateException(
                                                        "the change failed"))))))
        .hasMessageContaining("the change failed");
    assertThat(count(queue)).as("only the committed job").isEqualTo(1);

    Job claimed =
        new JobQueue(pool)
            .claim(queue, "w", Duration.ofSeconds(5))
            .await()
            .indefinitely()
            .orElseThrow();
    assertThat(claimed.id()).isEqualTo(committed);
    assertThat(claimed.tenantId()).isEqualTo(tenant);
    assertThat(claimed.payload()).isEqualTo("{\"to\": \"partner\"}");
  }

  private long count(String queue) {
    return pool.preparedQuery("SELECT count(*) AS n FROM job WHERE queue = $1")
        .execute(Tuple.of(queue))
        .await()
        .indefinitely()
        .iterator()
        .next()
        .getLong("n");
  }
}
