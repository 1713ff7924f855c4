package io.smbcopilot.ingestion.repository;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;

/**
 * The pipeline's job queue ({@code ingest_job}) as the event consumer fills it, in the caller's
 * Hibernate Reactive transaction. The workers lease and finish jobs with their own SQL ({@code
 * Pipeline}).
 */
@ApplicationScoped
public class IngestJobRepository {
  static final String ENQUEUE =
      "INSERT INTO ingest_job (document_id, tenant_id) SELECT id, tenant_id FROM document"
          + " WHERE id = :document AND tenant_id = :tenant AND status = 'queued'"
          + " ON CONFLICT DO NOTHING";

  /** Queues a job for the tenant's document if it is still queued; true when one was added. */
  public Uni<Boolean> enqueue(UUID tenantId, UUID documentId) {
    return Panache.getSession()
        .flatMap(
            session ->
                session
                    .createNativeQuery(ENQUEUE)
                    .setParameter("document", documentId)
                    .setParameter("tenant", tenantId)
                    .executeUpdate())
        .map(rows -> rows == 1);
  }
}
