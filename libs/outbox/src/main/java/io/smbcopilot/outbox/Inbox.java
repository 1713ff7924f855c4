package io.smbcopilot.outbox;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.instrumentation.annotations.WithSpan;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.smbcopilot.events.CloudEvent;
import io.smbcopilot.events.InvalidEventException;
import io.smbcopilot.events.KafkaCloudEvents;
import io.smbcopilot.health.Pools;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.jboss.logging.Logger;

/**
 * Applies Kafka records of platform events exactly once, for {@code @Incoming} methods:
 *
 * <pre>{@code
 * @Incoming(CHANNEL)
 * Uni<Void> consume(Message<byte[]> message) {
 *   return inbox.process(message, handlers);
 * }
 * }</pre>
 *
 * The event id goes into {@code inbox_event} in the same Hibernate Reactive transaction as the
 * handler's effect, so a redelivered event changes nothing. A handler that fails is tried again
 * with a growing pause, up to {@code copilot.inbox.max-attempts}; then, or at once for a record
 * that is not a valid event, the record is nacked and the channel's failure strategy ({@code
 * dead-letter-queue}, to {@code <topic>.dlq}) takes it, with the consumer and the attempts as
 * headers. While the database is unreachable nothing is dead-lettered: the attempt waits and is
 * tried again without being counted.
 */
@ApplicationScoped
public class Inbox {
  private static final Logger LOG = Logger.getLogger(Inbox.class);

  /** Header of a dead-lettered record: the consumer that gave up on it. */
  public static final String DLQ_CONSUMER = "dlq_consumer";

  /** Header of a dead-lettered record: how many times its handler ran. */
  public static final String DLQ_ATTEMPTS = "dlq_attempts";

  /** Header of a dead-lettered record: when it was given up. */
  public static final String DLQ_FAILED_AT = "dlq_failed_at";

  private final InboxRepository repository;
  private final Pool pool;
  private final MeterRegistry registry;
  private final InboxConfig config;
  private final Tracer tracer;
  private final TenantErasure erasure;
  private volatile boolean running = true;

  public Inbox(
      InboxRepository repository,
      Pool pool,
      MeterRegistry registry,
      InboxConfig config,
      Instance<OpenTelemetry> telemetry,
      TenantErasure erasure) {
    this.repository = repository;
    this.erasure = erasure;
    this.pool = pool;
    this.registry = registry;
    this.config = config;
    this.tracer =
        (telemetry.isResolvable() ? telemetry.get() : OpenTelemetry.noop())
            .getTracer("io.smbcopilot.outbox");
  }

  void onStop(@Observes ShutdownEvent event) {
    running = false;
  }

  /**
   * Applies the record's event once with the consumer's handlers, then acks or nacks it. Its span
   * continues the producer's trace (the record's {@code traceparent}) and carries the tenant id.
   */
  @WithSpan("Inbox.process")
  public Uni<Void> process(Message<byte[]> message, EventHandlers handlers) {
    CloudEvent event;
    try {
      event = KafkaCloudEvents.fromRecord(headers(message), message.getPayload());
    } catch (InvalidEventException e) {
      return deadLetter(message, handlers.consumer(), e, 0);
    }
    if (!handlers.handles(event)) {
      return Uni.createFrom().completionStage(message::ack);
    }
    Span.current().setAttribute("tenant.id", event.tenantId());
    return applyOne(message, event, handlers, Vertx.currentContext(), true);
  }

  /**
   * Applies the events of a poll's records (a channel with {@code batch=true}) once each, with the
   * consumer's handlers, in transactions of up to {@code copilot.inbox.batch-size} events: one
   * commit for many events is what lets a consumer that fell behind catch up, and the events share
   * one session, so an entity found by one is not read again by the next. Each event is recorded as
   * by {@link #process}, and its effects are written before the next is applied. A transaction that
   * fails is rolled back and its events applied again one at a time, with the retries and
   * dead-lettering of {@link #process}: one bad event costs its neighbours a second try, never
   * their effect. A record that is not a valid event is dead-lettered at once. The batch is acked
   * when every record is applied or dead-lettered. Each event has a span that continues the
   * producer's trace.
   */
  @WithSpan("Inbox.processBatch")
  public Uni<Void> processBatch(KafkaRecordBatch<?, byte[]> batch, EventHandlers handlers) {
    Context context = Vertx.currentContext();
    Uni<Void> chain = Uni.createFrom().voidItem();
    List<Pending> pending = new ArrayList<>();
    for (KafkaRecord<?, byte[]> record : batch.getRecords()) {
      try {
        CloudEvent event = KafkaCloudEvents.fromRecord(record.getHeaders(), record.getPayload());
        if (handlers.handles(event)) {
          pending.add(new Pending(record, event));
        }
      } catch (InvalidEventException e) {
        chain = chain.chain(() -> deadLetter(record, handlers.consumer(), e, 0));
      }
    }
    int size = Math.max(1, config.batchSize());
    for (int from = 0; from < pending.size(); from += size) {
      List<Pending> chunk = pending.subList(from, Math.min(pending.size(), from + size));
      chain = chain.chain(() -> onContext(context, () -> applyChunk(chunk, handlers, context)));
    }
    return chain.chain(() -> Uni.createFrom().completionStage(batch::ack));
  }

  /** An event of a batch, with its record. */
  private record Pending(KafkaRecord<?, byte[]> record, CloudEvent event) {}

  /** The chunk's events in one transaction; else each on its own (retried, dead-lettered). */
  private Uni<Void> applyChunk(List<Pending> chunk, EventHandlers handlers, Context context) {
    List<Span> spans = chunk.stream().map(p -> startSpan(p.event())).toList();
    return Panache.<List<Applied>>withTransaction(
            () -> {
              List<Applied> applied = new ArrayList<>(chunk.size());
              Uni<Void> each = Uni.createFrom().voidItem();
              for (Pending p : chunk) {
                each =
                    each.chain(
                        () ->
                            applyInSession(p.event(), handlers)
                                .invoke(applied::add)
                                .chain(
                                    a ->
                                        a == Applied.SKIPPED
                                            ? Uni.createFrom().voidItem()
                                            : flush()));
              }
              return each.replaceWith(applied);
            })
        .onItemOrFailure()
        .transformToUni(
            (applied, failure) -> {
              if (failure == null) {
                DistributionSummary.builder("copilot.inbox.batch.events")
                    .description("Events a consumer applied in one transaction")
                    .tag("consumer", handlers.consumer())
                    .register(registry)
                    .record(chunk.size());
                applied.forEach(a -> count(handlers.consumer(), a.outcome));
                spans.forEach(Span::end);
                return Uni.createFrom().voidItem();
              }
              LOG.debugf(
                  "inbox %s: a batch of %d failed (%s), applying its events one at a time",
                  handlers.consumer(), chunk.size(), failure);
              Uni<Void> one = Uni.createFrom().voidItem();
              for (int i = 0; i < chunk.size(); i++) {
                Pending p = chunk.get(i);
                Span span = spans.get(i);
                one =
                    one.chain(
                        () ->
                            onContext(
                                context,
                                () ->
                                    applyOne(p.record(), p.event(), handlers, context, false)
                                        .eventually(() -> span.end())));
              }
              return one;
            });
  }

  /** A span for one event of a batch, child of the producer's span (the event's traceparent). */
  private Span startSpan(CloudEvent event) {
    return tracer
        .spanBuilder("Inbox.process")
        .setParent(Traceparents.parent(event.traceparent()))
        .setAttribute("tenant.id", event.tenantId())
        .startSpan();
  }

  /**
   * One event, retried and at last dead-lettered (the record nacked to the failure strategy); an
   * applied or duplicate event's record is acked when {@code ack} (a batch acks its records at
   * once).
   */
  private Uni<Void> applyOne(
      Message<byte[]> message,
      CloudEvent event,
      EventHandlers handlers,
      Context context,
      boolean ack) {
    return attempt(event, handlers, 1, context)
        .onItemOrFailure()
        .transformToUni(
            (applied, failure) -> {
              if (failure instanceof GaveUp gaveUp) {
                return deadLetter(message, handlers.consumer(), gaveUp.getCause(), gaveUp.attempts);
              }
              if (failure != null) {
                return Uni.createFrom().failure(failure);
              }
              count(handlers.consumer(), applied.outcome);
              return ack
                  ? Uni.createFrom().completionStage(message::ack)
                  : Uni.createFrom().voidItem();
            });
  }

  /**
   * What became of an event: applied, known before, or not wanted ({@link EventHandlers#onlyWhen}).
   */
  enum Applied {
    PROCESSED("processed"),
    DUPLICATE("duplicate"),
    SKIPPED("skipped");

    final String outcome;

    Applied(String outcome) {
      this.outcome = outcome;
    }
  }

  /** Records the id and runs the handler in one transaction. */
  private Uni<Applied> apply(CloudEvent event, EventHandlers handlers) {
    return Panache.withTransaction(() -> applyInSession(event, handlers));
  }

  /**
   * Writes what the session holds: the next event of a batch, even a native query of its handler,
   * sees this one's effects as if it had committed.
   */
  private static Uni<Void> flush() {
    return Panache.getSession().chain(session -> session.flush());
  }

  /**
   * Records the id and runs the handler in the current transaction (and session: what an event of
   * the batch read, the next ones find again without asking the database), unless the consumer does
   * not want the event, or its tenant was erased here ({@link TenantErasure}): then nothing is
   * written.
   */
  private Uni<Applied> applyInSession(CloudEvent event, EventHandlers handlers) {
    Uni<Boolean> erased =
        event.tenantId() == null ? Uni.createFrom().item(false) : erasure.erased(event.tenantId());
    return erased
        .flatMap(gone -> gone ? Uni.createFrom().item(false) : handlers.wanted(event))
        .flatMap(
            wanted ->
                !wanted
                    ? Uni.createFrom().item(Applied.SKIPPED)
                    : repository
                        .record(handlers.consumer(), event)
                        .flatMap(
                            fresh ->
                                fresh
                                    ? handlers.dispatch(event).replaceWith(Applied.PROCESSED)
                                    : Uni.createFrom().item(Applied.DUPLICATE)));
  }

  private Uni<Applied> attempt(
      CloudEvent event, EventHandlers handlers, int attempt, Context context) {
    return apply(event, handlers)
        .onFailure()
        .recoverWithUni(
            failure ->
                databaseReachable()
                    .flatMap(
                        reachable -> {
                          if (!running) {
                            // Shutting down: neither acked nor dead-lettered, read again later.
                            return Uni.createFrom().nothing();
                          }
                          if (!reachable) {
                            LOG.warnf(
                                "inbox %s: database unreachable, will retry %s",
                                handlers.consumer(), event.id());
                            return pause(context, config.unreachableBackoff())
                                .flatMap(v -> attempt(event, handlers, attempt, context));
                          }
                          LOG.debugf(
                              "inbox %s: attempt %d for %s failed: %s",
                              handlers.consumer(), attempt, event.id(), failure);
                          if (attempt >= config.maxAttempts()) {
                            return Uni.createFrom().failure(new GaveUp(failure, attempt));
                          }
                          return pause(context, config.retryBackoff().multipliedBy(attempt))
                              .flatMap(v -> attempt(event, handlers, attempt + 1, context));
                        }));
  }

  // On a connection of the pool, not pool.query(...): a query run on the pool itself leaves a timer
  // behind when the database is away (vertx-sql-client #1706, "Result is already complete").
  private Uni<Boolean> databaseReachable() {
    return Pools.withConnection(pool, c -> c.query("SELECT 1").execute())
        .ifNoItem()
        .after(Duration.ofSeconds(5))
        .fail()
        .map(rows -> true)
        .onFailure()
        .recoverWithItem(false);
  }

  /**
   * Subscribes on the batch's own Vert.x context, where its session and transaction belong: a step
   * after a dead-lettering continues on the producer's thread otherwise.
   */
  private static <T> Uni<T> onContext(Context context, java.util.function.Supplier<Uni<T>> work) {
    return Uni.createFrom()
        .emitter(
            emitter ->
                context.runOnContext(
                    v -> work.get().subscribe().with(emitter::complete, emitter::fail)));
  }

  /** Waits on the record's own Vert.x context, where its session and transaction belong. */
  private static Uni<Void> pause(Context context, Duration duration) {
    return Uni.createFrom()
        .emitter(
            emitter ->
                context.runOnContext(
                    v ->
                        context
                            .owner()
                            .setTimer(
                                Math.max(1, duration.toMillis()), id -> emitter.complete(null))));
  }

  private Uni<Void> deadLetter(
      Message<byte[]> message, String consumer, Throwable error, int attempts) {
    RecordHeaders extra = new RecordHeaders();
    extra.add(DLQ_CONSUMER, consumer.getBytes(StandardCharsets.UTF_8));
    extra.add(DLQ_ATTEMPTS, String.valueOf(attempts).getBytes(StandardCharsets.UTF_8));
    extra.add(DLQ_FAILED_AT, Instant.now().toString().getBytes(StandardCharsets.UTF_8));
    IncomingKafkaRecordMetadata<?, ?> origin =
        message.getMetadata(IncomingKafkaRecordMetadata.class).orElse(null);
    LOG.warnf(
        "inbox %s: %s dead-lettered after %d attempts: %s",
        consumer,
        origin == null
            ? "a record"
            : origin.getTopic() + "-" + origin.getPartition() + "@" + origin.getOffset(),
        attempts,
        error);
    count(consumer, "dead-lettered");
    return Uni.createFrom()
        .completionStage(
            () ->
                message.nack(
                    error,
                    Metadata.of(OutgoingKafkaRecordMetadata.builder().withHeaders(extra).build())));
  }

  private static Headers headers(Message<byte[]> message) {
    return message
        .getMetadata(IncomingKafkaRecordMetadata.class)
        .map(IncomingKafkaRecordMetadata::getHeaders)
        .orElseGet(RecordHeaders::new);
  }

  private void count(String consumer, String outcome) {
    Counter.builder("copilot.inbox.events")
        .description("Events a consumer handled, by outcome")
        .tag("consumer", consumer)
        .tag("outcome", outcome)
        .register(registry)
        .increment();
  }

  /** The handler still failed after the last attempt. */
  private static final class GaveUp extends RuntimeException {
    private final int attempts;

    GaveUp(Throwable cause, int attempts) {
      super(cause.toString(), cause, false, false);
      this.attempts = attempts;
    }
  }
}
