package io.smbcopilot.health;

import static org.awaitility.Awaitility.await;

import io.smallrye.mutiny.Uni;
import io.smbcopilot.devstack.DevStack;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.pgclient.PgBuilder;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.PoolOptions;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A borrowed connection that PostgreSQL drops (its backend terminated, as when the server stops)
 * prints nothing to stderr when borrowed through {@link Pools}; borrowed from the pool alone, the
 * Vert.x SQL client prints its stack trace there, outside the JSON log.
 */
class PoolsTest {
  private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
  private PrintStream original;
  private Vertx vertx;
  private Pool pool;

  @BeforeEach
  void start() throws Exception {
    Map<String, String> db = DevStack.forTests(List.of("postgres")).provision("health-test");
    URI url = URI.create(db.get("reactive-url"));
    vertx = Vertx.vertx();
    pool =
        PgBuilder.pool()
            .with(new PoolOptions().setMaxSize(4))
            .connectingTo(
                new PgConnectOptions()
                    .setHost(url.getHost())
                    .setPort(url.getPort())
                    .setDatabase(url.getPath().substring(1))
                    .setUser(db.get("username"))
                    .setPassword(db.get("password")))
            .using(vertx)
            .build();
    original = System.err;
    System.setErr(new PrintStream(stderr, true, StandardCharsets.UTF_8));
  }

  @AfterEach
  void stop() {
    System.setErr(original);
    pool.close().await().indefinitely();
    vertx.close().await().indefinitely();
  }

  /** Borrows a connection, has its backend terminated from another one, and waits a moment. */
  private void dropWhileBorrowed(
      BiFunction<Pool, Function<SqlConnection, Uni<Object>>, Uni<Object>> borrow) {
    borrow
        .apply(
            pool,
            connection ->
                connection
                    .query("SELECT pg_backend_pid()")
                    .execute()
                    .map(rows -> rows.iterator().next().getInteger(0))
                    .call(
                        pid ->
                            Uni.createFrom()
                                .completionStage(
                                    new TerminateOnce(pool, pid)
                                        .run()
                                        .subscribeAsCompletionStage()))
                    .onItem()
                    .transformToUni(
                        pid -> connection.query("SELECT 1").execute().onFailure().recoverWithNull())
                    .replaceWith(new Object()))
        .onFailure()
        .recoverWithNull()
        .await()
        .atMost(Duration.ofSeconds(10));
  }

  private record TerminateOnce(Pool pool, int pid) {
    Uni<Object> run() {
      return pool.withConnection(
              other ->
                  other.preparedQuery("SELECT pg_terminate_backend($1)").execute(Tuple.of(pid)))
          .replaceWith(new Object());
    }
  }

  private String printed() {
    return stderr.toString(StandardCharsets.UTF_8);
  }

  @Test
  void aDroppedConnectionBorrowedThroughPoolsPrintsNothing() {
    dropWhileBorrowed(Pools::withConnection);
    await()
        .during(Duration.ofMillis(500))
        .atMost(Duration.ofSeconds(3))
        .until(() -> printed().isEmpty());

    // The same without the handler: the client prints the stack trace (when this stops holding,
    // Pools can go).
    dropWhileBorrowed(Pool::withConnection);
    await().atMost(Duration.ofSeconds(5)).until(() -> printed().contains("57P01"));
  }
}
