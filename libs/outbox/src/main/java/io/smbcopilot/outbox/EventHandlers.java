package io.smbcopilot.outbox;

import io.smallrye.mutiny.Uni;
import io.smbcopilot.events.CloudEvent;
import io.smbcopilot.events.EventType;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * A consumer's typed handlers, by event type: {@link #dispatch} reads the event's data as the
 * payload record of its type and calls the handler registered for it. Types without a handler are
 * skipped (a topic carries more types than one consumer needs).
 *
 * <pre>{@code
 * EventHandlers.of("notifications-service.identity")
 *     .on(EventType.TENANT_CREATED, TenantCreated.class, notifications::welcome);
 * }</pre>
 */
public final class EventHandlers {

  /** The effect of one event of a type, given its payload and its envelope. */
  @FunctionalInterface
  public interface Handler<T extends Record> {
    Uni<Void> handle(T payload, CloudEvent event);
  }

  private final String consumer;

  private record Registered<T extends Record>(Class<T> payload, Handler<T> handler) {
    Uni<Void> handle(CloudEvent event) {
      return handler.handle(event.dataAs(payload), event);
    }
  }

  private final Map<String, Registered<?>> handlers = new HashMap<>();

  private EventHandlers(String consumer) {
    this.consumer = Objects.requireNonNull(consumer, "consumer");
  }

  /**
   * Handlers of the consumer of that name: its key in the inbox, and its Kafka group id in the
   * channel's configuration.
   */
  public static EventHandlers of(String consumer) {
    return new EventHandlers(consumer);
  }

  public String consumer() {
    return consumer;
  }

  /** Registers the handler of one catalog type; the payload class must be the type's. */
  public <T extends Record> EventHandlers on(EventType type, Class<T> payload, Handler<T> handler) {
    if (!type.payload().equals(payload)) {
      throw new IllegalArgumentException(
          type.typeName() + " carries " + type.payload().getSimpleName() + ", not " + payload);
    }
    return on(type.typeName(), payload, handler);
  }

  /** Registers the handler of a type by name (types outside the catalog: tests, extensions). */
  public <T extends Record> EventHandlers on(
      String typeName, Class<T> payload, Handler<T> handler) {
    if (handlers.putIfAbsent(typeName, new Registered<>(payload, handler)) != null) {
      throw new IllegalArgumentException("two handlers for " + typeName);
    }
    return this;
  }

  /**
   * Adds the handlers another bean registers ({@code .with(erasure::handle)}: {@link
   * TenantErasure#handle}, {@link Retention#handle}).
   */
  public EventHandlers with(java.util.function.UnaryOperator<EventHandlers> more) {
    return more.apply(this);
  }

  /**
   * Whether an event is wanted at all, asked in the inbox's transaction before it is recorded: an
   * event nobody has anything to do for is neither recorded nor dispatched (by default every event
   * with a handler is wanted). A redelivered event is asked again: one not wanted before and wanted
   * now is applied then, once; one applied before is a duplicate either way.
   */
  private Function<CloudEvent, Uni<Boolean>> wanted = event -> Uni.createFrom().item(true);

  /** Sets the check of {@link #wanted}. */
  public EventHandlers onlyWhen(Function<CloudEvent, Uni<Boolean>> wanted) {
    this.wanted = Objects.requireNonNull(wanted, "wanted");
    return this;
  }

  /** Whether the consumer has something to do for the event (see {@link #onlyWhen}). */
  public Uni<Boolean> wanted(CloudEvent event) {
    return Uni.createFrom().deferred(() -> wanted.apply(event));
  }

  /** True when a handler is registered for the event's type. */
  public boolean handles(CloudEvent event) {
    return handlers.containsKey(event.type());
  }

  /** Runs the handler of the event's type; nothing for a type without one. */
  public Uni<Void> dispatch(CloudEvent event) {
    Registered<?> registered = handlers.get(event.type());
    if (registered == null) {
      return Uni.createFrom().voidItem();
    }
    return Uni.createFrom().deferred(() -> registered.handle(event));
  }
}
