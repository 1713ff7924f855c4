package io.smbcopilot.health;

import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready only while the service's PostgreSQL answers, within a bounded time, instead of Quarkus's
 * datasource check ({@code quarkus.datasource.health.enabled=false}). Quarkus's check runs {@code
 * SELECT 1} on the pool itself, and a query run on the pool leaves a timer behind when it cannot
 * get a connection (the database is away), which reports "Result is already complete" to Vert.x
 * when the pool's connection timeout ends (vertx-sql-client #1706). This one asks on a connection
 * of the pool.
 */
@Readiness
@ApplicationScoped
public class DatabaseReadinessCheck implements AsyncHealthCheck {
  static final Duration TIMEOUT = Duration.ofSeconds(3);

  private final Pool pool;

  public DatabaseReadinessCheck(Pool pool) {
    this.pool = pool;
  }

  @Override
  public Uni<HealthCheckResponse> call() {
    return Pools.withConnection(pool, connection -> connection.query("SELECT 1").execute())
        .ifNoItem()
        .after(TIMEOUT)
        .fail()
        .map(rows -> HealthCheckResponse.named("PostgreSQL database").up().build())
        .onFailure()
        .recoverWithItem(
            e ->
                HealthCheckResponse.named("PostgreSQL database")
                    .down()
                    .withData("error", e.getClass().getSimpleName())
                    .build());
  }
}
