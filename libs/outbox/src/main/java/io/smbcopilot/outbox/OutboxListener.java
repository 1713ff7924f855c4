package io.smbcopilot.outbox;

import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.pgclient.PgConnection;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jboss.logging.Logger;

/**
 * Wakes the relay when rows are committed to the outbox: a connection of its own {@code LISTEN}s on
 * the channel that the outbox trigger notifies ({@code outbox_<schema>}, see {@code
 * V0_2__outbox_wake.sql}). A lost connection is opened again on the next wait; until then the relay
 * falls back to its poll interval, so a missed notification only delays an event.
 */
final class OutboxListener implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(OutboxListener.class);
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

  private final Pool pool;
  private final String name;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition signalled = lock.newCondition();
  private boolean notified;
  private volatile SqlConnection connection;
  private long nextConnectNanos;

  OutboxListener(Pool pool, String name) {
    this.pool = pool;
    this.name = name;
  }

  /** Returns when a notification came since the last return, or after the timeout. */
  void await(Duration timeout) throws InterruptedException {
    ensureListening();
    lock.lock();
    try {
      long left = timeout.toNanos();
      while (!notified && left > 0) {
        left = signalled.awaitNanos(left);
      }
      notified = false;
    } finally {
      lock.unlock();
    }
  }

  private void signal() {
    lock.lock();
    try {
      notified = true;
      signalled.signalAll();
    } finally {
      lock.unlock();
    }
  }

  private void ensureListening() {
    if (connection != null || System.nanoTime() < nextConnectNanos) {
      return;
    }
    SqlConnection opened = null;
    try {
      opened = pool.getConnection().await().atMost(CONNECT_TIMEOUT);
      SqlConnection self = opened;
      opened.exceptionHandler(e -> LOG.debugf("outbox listener connection: %s", e.toString()));
      opened.closeHandler(
          () -> {
            if (connection == self) {
              connection = null;
            }
          });
      String schema =
          opened
              .query("SELECT current_schema() AS s")
              .execute()
              .await()
              .atMost(CONNECT_TIMEOUT)
              .iterator()
              .next()
              .getString("s");
      PgConnection.cast(opened.getDelegate()).notificationHandler(n -> signal());
      opened.query("LISTEN \"outbox_" + schema + "\"").execute().await().atMost(CONNECT_TIMEOUT);
      connection = opened;
      // Rows committed while nobody listened are picked up by the next poll.
      signal();
    } catch (RuntimeException e) {
      LOG.debugf("outbox relay %s: cannot listen for new rows now: %s", name, e.toString());
      nextConnectNanos = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
      if (opened != null) {
        opened.closeAndForget();
      }
    }
  }

  @Override
  public void close() {
    SqlConnection current = connection;
    connection = null;
    if (current != null) {
      current.closeAndForget();
    }
  }
}
