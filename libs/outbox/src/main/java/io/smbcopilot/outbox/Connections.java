package io.smbcopilot.outbox;

import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Transaction;
import java.time.Duration;
import org.jboss.logging.Logger;

/**
 * Connections taken from the pool by the outbox and inbox. Each gets an exception handler: without
 * one, the Vert.x SQL client prints a dropped connection's stack trace to stderr, outside the
 * (JSON) log.
 */
public final class Connections {
  private static final Logger LOG = Logger.getLogger(Connections.class);
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private Connections() {}

  public static SqlConnection open(Pool pool) {
    SqlConnection connection = pool.getConnection().await().atMost(TIMEOUT);
    connection.exceptionHandler(e -> LOG.debugf("database connection lost: %s", e.toString()));
    return connection;
  }

  /** Work done on the calling thread with the transaction's connection. */
  @FunctionalInterface
  public interface Work<T> {
    T run(SqlConnection connection) throws Exception;
  }

  /**
   * Runs the work in a transaction on a connection of its own, on the calling thread: commits when
   * it returns, rolls back when it throws.
   */
  public static <T> T inTransaction(Pool pool, Work<T> work) throws Exception {
    SqlConnection connection = open(pool);
    Transaction tx = null;
    try {
      tx = connection.begin().await().atMost(TIMEOUT);
      T result = work.run(connection);
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
