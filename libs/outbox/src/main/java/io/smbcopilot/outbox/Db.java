package io.smbcopilot.outbox;

import io.smbcopilot.problem.ProblemException;
import io.smbcopilot.problem.ProblemType;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgException;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Arrays;
import org.jboss.logging.Logger;

/**
 * Blocking access to the service's schema over the reactive pool, for resource methods that run on
 * worker threads (transactions as in {@link Connections}, so a state change and its outbox event
 * commit together). A database that cannot be reached becomes a 503 problem.
 */
@ApplicationScoped
public class Db {
  private static final Logger LOG = Logger.getLogger(Db.class);
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private final Pool pool;

  public Db(Pool pool) {
    this.pool = pool;
  }

  public Pool pool() {
    return pool;
  }

  public RowSet<Row> query(String sql, Object... args) {
    return run(pool, sql, args);
  }

  public static RowSet<Row> run(SqlClient client, String sql, Object... args) {
    try {
      return client
          .preparedQuery(sql)
          .execute(Tuple.from(Arrays.asList(args)))
          .await()
          .atMost(TIMEOUT);
    } catch (PgException | ProblemException e) {
      throw e;
    } catch (RuntimeException e) {
      throw unavailable(e);
    }
  }

  /** Runs the work in one transaction: commits when it returns, rolls back when it throws. */
  public <T> T inTransaction(Connections.Work<T> work) {
    try {
      return Connections.inTransaction(pool, work);
    } catch (PgException | ProblemException e) {
      throw e;
    } catch (RuntimeException e) {
      throw unavailable(e);
    } catch (Exception e) {
      throw unavailable(e);
    }
  }

  /** True for a unique-constraint violation. */
  public static boolean duplicate(Throwable e) {
    return e instanceof PgException pg && "23505".equals(pg.getSqlState());
  }

  private static ProblemException unavailable(Exception e) {
    LOG.warnf("database call failed: %s", e.toString());
    return new ProblemException(
        ProblemType.SERVICE_UNAVAILABLE, "the database cannot be reached; try again");
  }
}
