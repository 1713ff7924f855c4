package io.smbcopilot.outbox;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;
import io.smbcopilot.events.CloudEvent;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * InboxTest's consumers, one reading records one at a time and one reading a poll's records at
 * once: each item event adds one row to {@code effect} and one to its consumer's total.
 */
@ApplicationScoped
public class EffectConsumer {
  static final String CONSUMER = "inbox-test.effects";
  static final String BATCH_CONSUMER = "inbox-test.batches";
  static final String TYPE = "io.smbcopilot.test.item.v1";

  /** The test event's data. */
  public record Item(int n, boolean poison) {}

  /** The tenants whose events the consumers do not want ({@link EventHandlers#onlyWhen}). */
  static final Set<String> UNWANTED = ConcurrentHashMap.newKeySet();

  /** While true, a poison item's handler fails. */
  static final AtomicBoolean POISON_FAILS = new AtomicBoolean(true);

  private final Inbox inbox;
  private final EventHandlers handlers;
  private final EventHandlers batchHandlers;

  public EffectConsumer(Inbox inbox) {
    this.inbox = inbox;
    this.handlers =
        EventHandlers.of(CONSUMER)
            .on(TYPE, Item.class, (item, e) -> apply(CONSUMER, item, e))
            .onlyWhen(EffectConsumer::wanted);
    this.batchHandlers =
        EventHandlers.of(BATCH_CONSUMER)
            .on(TYPE, Item.class, (item, e) -> apply(BATCH_CONSUMER, item, e))
            .onlyWhen(EffectConsumer::wanted);
  }

  @Incoming("test-events")
  Uni<Void> consume(Message<byte[]> message) {
    return inbox.process(message, handlers);
  }

  @Incoming("test-batches")
  Uni<Void> consumeBatch(KafkaRecordBatch<String, byte[]> batch) {
    return inbox.processBatch(batch, batchHandlers);
  }

  private static Uni<Boolean> wanted(CloudEvent event) {
    return Uni.createFrom().item(!UNWANTED.contains(event.tenantId()));
  }

  private static Uni<Void> apply(String consumer, Item item, CloudEvent event) {
    if (item.poison() && POISON_FAILS.get()) {
      return Uni.createFrom().failure(new IllegalStateException("poison event " + event.id()));
    }
    return Panache.getSession()
        .flatMap(
            session ->
                session
                    .createNativeQuery("INSERT INTO effect (event_id, consumer) VALUES (:id, :c)")
                    .setParameter("id", event.id())
                    .setParameter("c", consumer)
                    .executeUpdate()
                    .flatMap(
                        n ->
                            session
                                .createNativeQuery(
                                    "INSERT INTO effect_total VALUES (:c, 1) ON CONFLICT (consumer)"
                                        + " DO UPDATE SET n = effect_total.n + 1")
                                .setParameter("c", consumer)
                                .executeUpdate()))
        .replaceWithVoid();
  }
}
