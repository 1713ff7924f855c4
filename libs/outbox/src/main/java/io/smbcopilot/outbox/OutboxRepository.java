package io.smbcopilot.outbox;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Writes outbox rows through the caller's Hibernate Reactive session, so that they commit with the
 * state change or not at all. The relay reads and deletes them with its own SQL ({@link
 * OutboxRelay}).
 */
@ApplicationScoped
public class OutboxRepository implements PanacheRepositoryBase<OutboxEvent, String> {}
