package io.smbcopilot.jobs;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.UUID;

/**
 * Adds jobs from a service on Hibernate Reactive: the job is inserted through the current session,
 * so it commits with the caller's {@code @WithTransaction} change or not at all.
 */
@ApplicationScoped
public class Jobs {

  /** Adds a job to the queue, ready after the delay; returns its id. */
  public Uni<UUID> enqueue(String queue, UUID tenantId, String payload, Duration delay) {
    UUID id = UUID.randomUUID();
    return Panache.getSession()
        .flatMap(
            session ->
                session
                    .createNativeQuery(
                        "INSERT INTO job (id, queue, tenant_id, payload, run_at) VALUES (:id,"
                            + " :queue, :tenant, cast(cast(:payload as text) as jsonb),"
                            + " now() + make_interval(secs => :delay))")
                    .setParameter("id", id)
                    .setParameter("queue", queue)
                    .setParameter("tenant", tenantId)
                    .setParameter("payload", payload)
                    .setParameter("delay", delay.toMillis() / 1000.0)
                    .executeUpdate())
        .replaceWith(id);
  }
}
