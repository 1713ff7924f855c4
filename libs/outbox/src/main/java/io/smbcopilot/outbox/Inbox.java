package io.smbcopilot.outbox;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.instrumentation.annotations.WithSpan;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.mutiny.Uni;
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
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
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
  private volatile boolean running = true;

  public Inbox(InboxRepository repository, Pool pool, MeterRegistry registry, InboxConfig config) {
    this.repository = repository;
    this.pool = pool;
    this.registry = registry;
    this.config = config;
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
    Context context = Vertx.currentContext();
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
              count(handlers.consumer(), applied ? "processed" : "duplicate");
              return Uni.createFrom().completionStage(message::ack);
            });
  }

  /** Records the id and runs the handler in one transaction; false when the id was known. */
  private Uni<Boolean> apply(CloudEvent event, EventHandlers handlers) {
    return Panache.withTransaction(
        () ->
            repository
                .record(handlers.consumer(), event)
                .flatMap(
                    fresh ->
                        fresh
                            ? handlers.dispatch(event).replaceWith(true)
                            : Uni.createFrom().item(false)));
  }

  private Uni<Boolean> attempt(
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
