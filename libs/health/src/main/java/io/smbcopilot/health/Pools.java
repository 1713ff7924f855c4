package io.smbcopilot.health;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * Connections borrowed from a pool, each with an exception handler. A connection the database drops
 * while it is borrowed (PostgreSQL stopping, a backend terminated) reports to its exception
 * handler; without one the Vert.x SQL client prints the stack trace to stderr itself, a line that
 * is not JSON in the middle of the service's JSON log. The work's own result fails as it would
 * anyway.
 */
public final class Pools {
  private static final Logger LOG = Logger.getLogger(Pools.class);

  private Pools() {}

  /** Like {@code pool.withConnection(work)}, with the connection's loss logged, not printed. */
  public static <T> Uni<T> withConnection(Pool pool, Function<SqlConnection, Uni<T>> work) {
    return pool.withConnection(connection -> work.apply(quiet(connection)));
  }

  /** Gives the connection an exception handler that logs its loss at DEBUG, and returns it. */
  public static SqlConnection quiet(SqlConnection connection) {
    connection.exceptionHandler(e -> LOG.debugf("database connection lost: %s", e.toString()));
    return connection;
  }
}
