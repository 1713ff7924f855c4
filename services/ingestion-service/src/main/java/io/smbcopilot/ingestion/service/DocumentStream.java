package io.smbcopilot.ingestion.service;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.subscription.MultiEmitter;
import io.smbcopilot.health.PgListener;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The live view of a tenant's documents for the clients of this replica that follow it. Every
 * change of a document's status or progress, on any replica, is announced by PostgreSQL (the
 * trigger of {@code V6__document_changes.sql}, channel {@code documents_<schema>}); the documents
 * announced meanwhile are read in one go and each goes to the followers who may read its
 * collection. A document gone is sent as deleted. A follower first gets {@link Ready} (load the
 * list now), and again whenever the listening connection was opened again, since announcements made
 * while it was lost are not kept.
 */
@ApplicationScoped
public class DocumentStream {
  private static final Logger LOG = Logger.getLogger(DocumentStream.class);

  /** What a follower gets. */
  public sealed interface Change {}

  /** Live from now: what happened before is in the list (load it now). */
  public record Ready() implements Change {}

  /** A document as it is now. */
  public record Changed(DocumentService.Document document) implements Change {}

  /** A document was deleted. */
  public record Deleted(UUID id) implements Change {}

  private record Follower(Caller caller, MultiEmitter<? super Change> emitter) {}

  private final DocumentService documents;
  private final Vertx vertx;
  private final PgListener listener;
  private final long checkMillis;
  private final Map<UUID, Set<Follower>> followers = new ConcurrentHashMap<>();
  private final Map<UUID, Set<UUID>> pending = new ConcurrentHashMap<>();
  private final AtomicBoolean draining = new AtomicBoolean();
  private long timer = -1;

  public DocumentStream(
      DocumentService documents,
      Vertx vertx,
      Pool pool,
      @ConfigProperty(name = "copilot.documents.stream-check-interval", defaultValue = "5s")
          Duration check) {
    this.documents = documents;
    this.vertx = vertx;
    this.checkMillis = check.toMillis();
    this.listener = new PgListener(pool, "documents_", this::announced, this::reopened);
  }

  void start(@Observes StartupEvent event) {
    timer = vertx.setPeriodic(checkMillis, id -> listener.ensure());
    listener.ensure();
  }

  void stop(@Observes ShutdownEvent event) {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    listener.close();
  }

  /** The caller's documents as they change, after a {@link Ready}. */
  public Multi<Change> follow(Caller caller) {
    return Multi.createFrom()
        .emitter(
            emitter -> {
              Follower f = new Follower(caller, emitter);
              followers
                  .computeIfAbsent(caller.tenantId(), k -> ConcurrentHashMap.newKeySet())
                  .add(f);
              emitter.onTermination(
                  () ->
                      followers.computeIfPresent(
                          caller.tenantId(),
                          (k, set) -> {
                            set.remove(f);
                            return set.isEmpty() ? null : set;
                          }));
              emitter.emit(new Ready());
            });
  }

  /** How many clients of this replica follow documents (for tests and metrics). */
  public int followers() {
    return followers.values().stream().mapToInt(Set::size).sum();
  }

  /** The connection was opened (again): followers reload, as announcements may have been lost. */
  private void reopened() {
    followers.values().forEach(set -> set.forEach(f -> f.emitter().emit(new Ready())));
  }

  /** {@code "<tenant> <document>"}: read it soon, with whatever else is announced meanwhile. */
  private void announced(String payload) {
    int space = payload.indexOf(' ');
    if (space < 0) {
      return;
    }
    UUID tenantId;
    UUID documentId;
    try {
      tenantId = UUID.fromString(payload.substring(0, space));
      documentId = UUID.fromString(payload.substring(space + 1));
    } catch (IllegalArgumentException e) {
      return;
    }
    if (!followers.containsKey(tenantId)) {
      return;
    }
    pending.computeIfAbsent(tenantId, k -> ConcurrentHashMap.newKeySet()).add(documentId);
    drain();
  }

  /** One reader at a time, on a worker thread; what was announced while it read, after it. */
  private void drain() {
    if (pending.isEmpty() || !draining.compareAndSet(false, true)) {
      return;
    }
    Map<UUID, Set<UUID>> batch = new HashMap<>();
    for (UUID tenant : List.copyOf(pending.keySet())) {
      Set<UUID> ids = pending.remove(tenant);
      if (ids != null) {
        batch.put(tenant, new HashSet<>(ids));
      }
    }
    vertx
        .getDelegate()
        .executeBlocking(
            () -> {
              batch.forEach(this::send);
              return null;
            },
            false)
        .onComplete(
            done -> {
              draining.set(false);
              drain();
            });
  }

  private void send(UUID tenantId, Set<UUID> ids) {
    Set<Follower> set = followers.get(tenantId);
    if (set == null || set.isEmpty()) {
      return;
    }
    List<DocumentService.Current> now;
    try {
      now = VertxContextSupport.subscribeAndAwait(() -> documents.current(tenantId, ids));
    } catch (Throwable e) {
      LOG.debugf("documents of %s: cannot read now: %s", tenantId, e.toString());
      set.forEach(f -> f.emitter().emit(new Ready())); // reload: the change is not lost
      return;
    }
    Set<UUID> gone = new HashSet<>(ids);
    for (DocumentService.Current c : now) {
      gone.remove(c.id());
      for (Follower f : set) {
        if (c.collection().readableBy(f.caller())) {
          f.emitter().emit(new Changed(c.document()));
        }
      }
    }
    for (UUID id : gone) {
      set.forEach(f -> f.emitter().emit(new Deleted(id)));
    }
  }
}
