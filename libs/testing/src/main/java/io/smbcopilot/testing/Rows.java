package io.smbcopilot.testing;

import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import java.time.Duration;

/**
 * A service test's own look at its schema, through the service's reactive pool: rows a test puts in
 * place (old ones, a clock would take weeks to make) and rows it checks for.
 */
public record Rows(Pool pool) {
  private static final Duration WAIT = Duration.ofSeconds(10);

  /** Runs a statement with its parameters ({@code $1, $2, ...}). */
  public void update(String sql, Tuple parameters) {
    pool.preparedQuery(sql).execute(parameters).await().atMost(WAIT);
  }

  /** How many rows a query answers. */
  public int count(String sql, Object... parameters) {
    return pool.preparedQuery(sql).execute(Tuple.from(parameters)).await().atMost(WAIT).size();
  }

  /** Whether the table has a row of that {@code id}. */
  public boolean exists(String table, Object id) {
    return count("SELECT 1 FROM " + table + " WHERE id = $1", id) == 1;
  }
}
