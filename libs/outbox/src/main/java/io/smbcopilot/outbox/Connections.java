package io.smbcopilot.outbox;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Transaction;
import java.time.Duration;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * Connections taken from the pool by the outbox and inbox. Each gets an exception handler: without
 * one, the Vert.x SQL client prints a dropped connection's stack trace to stderr, outside the
 * (JSON) log.
 */
final class Connections {
  private static final Logger LOG = Logger.getLogger(Connections.class);
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private Connections() {}

  static SqlConnection open(Pool pool) {
    SqlConnection connection = pool.getConnection().await().atMost(TIMEOUT);
    connection.exceptionHandler(e -> LOG.debugf("database connection lost: %s", e.toString()));
    return connection;
  }

  /** Runs the work in a transaction on its own connection, blocking the calling thread. */
  static <T> T inTransaction(Pool pool, Function<SqlConnection, Uni<T>> work, Duration timeout) {
    SqlConnection connection = open(pool);
    Transaction tx = null;
    try {
      tx = connection.begin().await().atMost(TIMEOUT);
      T result = work.apply(connection).await().atMost(timeout);
      tx.commit().await().atMost(TIMEOUT);
      tx = null;
      return result;
    } finally {
      if (tx != null) {
        try {
          tx.rollback().await().atMost(Duration.ofSeconds(5));
        } catch (RuntimeException ignored) {
          // the connection closes below; the server rolls back
        }
      }
      connection.close().await().atMost(Duration.ofSeconds(5));
    }
  }
}
