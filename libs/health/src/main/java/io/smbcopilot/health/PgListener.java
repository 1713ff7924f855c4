package io.smbcopilot.health;

import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.pgclient.PgConnection;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * A connection of its own that listens to a PostgreSQL notification channel of the service's schema
 * ({@code <prefix><schema>}, as the schema's triggers name it): each notification's payload goes to
 * {@code announced}. {@link #ensure()} opens the connection when there is none (call it from a
 * timer: a lost connection is opened again on the next call); {@code opened} is told each time it
 * is (again), since what was announced while nobody listened is lost.
 */
public final class PgListener {
  private static final Logger LOG = Logger.getLogger(PgListener.class);
  private final Pool pool;
  private final String prefix;
  private final Consumer<String> announced;
  private final Runnable opened;
  private final AtomicBoolean connecting = new AtomicBoolean();
  private volatile SqlConnection listening;
  private volatile boolean closed;

  public PgListener(Pool pool, String prefix, Consumer<String> announced, Runnable opened) {
    this.pool = pool;
    this.prefix = prefix;
    this.announced = announced;
    this.opened = opened;
  }

  /** Opens the listening connection when there is none; does nothing while one is opening. */
  public void ensure() {
    if (closed || listening != null || !connecting.compareAndSet(false, true)) {
      return;
    }
    pool.getConnection()
        .chain(
            c ->
                c.query("SELECT current_schema() AS s")
                    .execute()
                    .map(rows -> rows.iterator().next().getString("s"))
                    .chain(
                        schema -> {
                          Pools.quiet(c);
                          c.closeHandler(
                              () -> {
                                if (listening == c) {
                                  listening = null;
                                }
                              });
                          PgConnection.cast(c.getDelegate())
                              .notificationHandler(n -> announced.accept(n.getPayload()));
                          return c.query("LISTEN \"" + prefix + schema + "\"").execute();
                        })
                    .replaceWith(c)
                    .onFailure()
                    .invoke(e -> c.closeAndForget()))
        .subscribe()
        .with(
            c -> {
              connecting.set(false);
              if (closed) {
                c.closeAndForget();
                return;
              }
              listening = c;
              opened.run();
            },
            e -> {
              connecting.set(false);
              LOG.debugf("cannot listen to %s now: %s", prefix, e.toString());
            });
  }

  /** Whether the connection is open and listening. */
  public boolean listening() {
    return listening != null;
  }

  /** Stops listening for good. */
  public void close() {
    closed = true;
    SqlConnection c = listening;
    listening = null;
    if (c != null) {
      c.closeAndForget();
    }
  }
}
