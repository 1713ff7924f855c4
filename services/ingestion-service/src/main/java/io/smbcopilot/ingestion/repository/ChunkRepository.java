package io.smbcopilot.ingestion.repository;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import io.smbcopilot.ingestion.domain.Chunk;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.UUID;

/**
 * A document's chunks. Saving them is a batched insert (see {@code
 * quarkus.hibernate-orm.jdbc.statement-batch-size}).
 */
@ApplicationScoped
public class ChunkRepository implements PanacheRepositoryBase<Chunk, Chunk.Key> {

  public Uni<Boolean> any(UUID documentId) {
    return find("documentId = ?1", documentId).firstResult().map(c -> c != null);
  }

  public Uni<Long> deleteAll(UUID documentId) {
    return delete("documentId = ?1", documentId);
  }

  /** Up to {@code limit} chunks from number {@code from} on, in order. */
  public Uni<List<Chunk>> from(UUID documentId, int from, int limit) {
    return find("documentId = ?1 and seq >= ?2 order by seq", documentId, from)
        .range(0, limit - 1)
        .list();
  }
}
