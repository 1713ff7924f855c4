package io.smbcopilot.outbox;

import io.smbcopilot.health.Pools;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Transaction;
import java.time.Duration;

/** Connections taken from the pool by the outbox and inbox, each quiet ({@link Pools#quiet}). */
public final class Connections {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private Connections() {}

  public static SqlConnection open(Pool pool) {
    return Pools.quiet(pool.getConnection().await().atMost(TIMEOUT));
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
