package io.smbcopilot.workflow.messaging;

import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;
import io.smbcopilot.events.EventType;
import io.smbcopilot.outbox.EventHandlers;
import io.smbcopilot.outbox.Inbox;
import io.smbcopilot.workflow.workflows.EventTriggers;
import io.smbcopilot.workflow.workflows.RunEngine;
import io.smbcopilot.workflow.workflows.WorkflowService;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * The platform events workflows start on ({@code copilot.documents.v1}), each applied once through
 * the inbox: the runs it starts commit with the inbox's record.
 */
@ApplicationScoped
public class TriggerEventsConsumer {
  public static final String CHANNEL = "trigger-events";
  public static final String CONSUMER = "workflow-worker.triggers";

  private final Inbox inbox;
  private final RunEngine engine;
  private final EventHandlers handlers;
  private final AtomicInteger started = new AtomicInteger();

  @SuppressWarnings({"unchecked", "rawtypes"})
  public TriggerEventsConsumer(Inbox inbox, EventTriggers triggers, RunEngine engine) {
    this.inbox = inbox;
    this.engine = engine;
    EventHandlers all = EventHandlers.of(CONSUMER);
    for (EventType type : EventType.values()) {
      if (WorkflowService.TRIGGER_EVENTS.contains(type.typeName())) {
        all.on(
            type,
            (Class) type.payload(),
            (payload, event) ->
                triggers.onEvent(event).invoke(started::addAndGet).replaceWithVoid());
      }
    }
    this.handlers = all;
  }

  @Incoming(CHANNEL)
  Uni<Void> consume(KafkaRecordBatch<String, byte[]> batch) {
    return inbox
        .processBatch(batch, handlers)
        .invoke(
            () -> {
              if (started.getAndSet(0) > 0) {
                engine.wake();
              }
            });
  }
}
