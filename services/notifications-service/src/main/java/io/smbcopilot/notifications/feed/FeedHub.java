package io.smbcopilot.notifications.feed;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.subscription.MultiEmitter;
import io.smbcopilot.health.PgListener;
import io.smbcopilot.notifications.repository.FeedRepository;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The live feed of every client connected to this replica. A new notification, made on any replica,
 * is announced by PostgreSQL ({@code LISTEN feed_<schema>}, the trigger of {@code
 * V6__feed_stream.sql}) with its tenant and user; the streams of that user read what is new after
 * the last event each sent, in the feed's order, so nothing is skipped or sent twice however the
 * announcements come. A stream that resumes ({@code Last-Event-ID}) first reads what it missed, on
 * any replica and after any restart. Every few seconds each stream reads again too, which covers
 * announcements lost while the listening connection was being opened again.
 */
@ApplicationScoped
public class FeedHub {
  private static final Logger LOG = Logger.getLogger(FeedHub.class);
  private static final int BATCH = 100;

  /** What a stream sends: first where it starts, then each notification made after that. */
  public sealed interface Item {
    long seq();
  }

  /** The stream is live from this place on (sent first, so a client knows where it resumes). */
  public record Ready(long seq) implements Item {}

  /** A notification made after the stream's place. */
  public record Made(FeedRepository.Entry entry) implements Item {
    @Override
    public long seq() {
      return entry.seq();
    }
  }

  /** One client's stream. */
  private final class Follower {
    final UUID tenantId;
    final String userId;
    final AtomicLong last;
    final MultiEmitter<? super Item> emitter;
    final AtomicBoolean reading = new AtomicBoolean();
    final AtomicBoolean again = new AtomicBoolean();

    Follower(UUID tenantId, String userId, long last, MultiEmitter<? super Item> emitter) {
      this.tenantId = tenantId;
      this.userId = userId;
      this.last = new AtomicLong(last);
      this.emitter = emitter;
    }

    /** Reads and sends what is new; one read at a time, another after it when asked meanwhile. */
    void pump() {
      if (!reading.compareAndSet(false, true)) {
        again.set(true);
        return;
      }
      feed.after(tenantId, userId, last.get(), BATCH)
          .subscribe()
          .with(
              entries -> {
                for (FeedRepository.Entry e : entries) {
                  if (emitter.isCancelled()) {
                    break;
                  }
                  emitter.emit(new Made(e));
                  last.set(e.seq());
                }
                reading.set(false);
                if (again.getAndSet(false) || entries.size() == BATCH) {
                  pump();
                }
              },
              failure -> {
                reading.set(false);
                LOG.debugf("feed of %s: cannot read now: %s", userId, failure.toString());
              });
    }
  }

  private final FeedRepository feed;
  private final Vertx vertx;
  private final long pollMillis;
  private final Map<String, Set<Follower>> followers = new ConcurrentHashMap<>();
  // the trigger's channel, feed_<schema>; once (again) open, what was made meanwhile is read
  private final PgListener listener;
  private long timer = -1;

  public FeedHub(
      FeedRepository feed,
      Vertx vertx,
      Pool pool,
      @ConfigProperty(name = "copilot.feed.poll-interval", defaultValue = "5s")
          java.time.Duration poll) {
    this.feed = feed;
    this.vertx = vertx;
    this.pollMillis = poll.toMillis();
    this.listener =
        new PgListener(
            pool,
            "feed_",
            this::announced,
            () -> followers.values().forEach(set -> set.forEach(Follower::pump)));
  }

  void start(@Observes StartupEvent event) {
    timer =
        vertx.setPeriodic(
            pollMillis,
            id -> {
              listener.ensure();
              followers.values().forEach(set -> set.forEach(Follower::pump));
            });
    listener.ensure();
  }

  void stop(@Observes ShutdownEvent event) {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    listener.close();
  }

  private static String key(UUID tenantId, String userId) {
    return tenantId + " " + userId;
  }

  /**
   * The user's notifications as they are made, after a {@link Ready} with the place the stream
   * starts from: {@code after} (a resumed stream, whose missed notifications come first), or the
   * user's last place now when it is null (only new ones).
   */
  public Multi<Item> follow(UUID tenantId, String userId, Long after) {
    return Multi.createFrom()
        .emitter(
            emitter -> {
              String key = key(tenantId, userId);
              (after != null
                      ? io.smallrye.mutiny.Uni.createFrom().item(after)
                      : feed.last(tenantId, userId))
                  .subscribe()
                  .with(
                      start -> {
                        emitter.emit(new Ready(start));
                        Follower f = new Follower(tenantId, userId, start, emitter);
                        followers.computeIfAbsent(key, k -> ConcurrentHashMap.newKeySet()).add(f);
                        Runnable forget =
                            () ->
                                followers.computeIfPresent(
                                    key,
                                    (k, set) -> {
                                      set.remove(f);
                                      return set.isEmpty() ? null : set;
                                    });
                        emitter.onTermination(forget);
                        if (emitter.isCancelled()) {
                          forget.run(); // the client left while its place was being read
                          return;
                        }
                        f.pump();
                      },
                      emitter::fail);
            });
  }

  private void announced(String payload) {
    Set<Follower> set = followers.get(payload);
    if (set != null) {
      set.forEach(Follower::pump);
    }
  }
}
