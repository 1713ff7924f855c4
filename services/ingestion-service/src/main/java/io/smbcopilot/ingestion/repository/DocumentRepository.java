package io.smbcopilot.ingestion.repository;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import io.smallrye.mutiny.Uni;
import io.smbcopilot.ingestion.domain.Document;
import io.smbcopilot.problem.Paging;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Documents; every query names the tenant. */
@ApplicationScoped
public class DocumentRepository implements PanacheRepositoryBase<Document, UUID> {

  public Uni<Document> find(UUID tenantId, UUID id) {
    return find("tenantId = ?1 and id = ?2", tenantId, id).firstResult();
  }

  /** The document of the collection with these bytes; null if none. */
  /** The tenant's documents among these ids (those that still exist). */
  public Uni<List<Document>> found(UUID tenantId, java.util.Collection<UUID> ids) {
    return list("tenantId = ?1 and id in ?2", tenantId, List.copyOf(ids));
  }

  public Uni<Document> bySha(UUID tenantId, UUID collectionId, String sha256) {
    return find(
            "tenantId = ?1 and collectionId = ?2 and sha256 = ?3", tenantId, collectionId, sha256)
        .firstResult();
  }

  /** Documents of the collections, newest first, after the cursor, by status and tag. */
  public Uni<List<Document>> page(
      UUID tenantId,
      List<UUID> collectionIds,
      String status,
      String tag,
      Paging.TimeCursor after,
      int limit) {
    if (collectionIds.isEmpty()) {
      return Uni.createFrom().item(List.of());
    }
    StringBuilder query = new StringBuilder("tenantId = :tenant and collectionId in :collections");
    Parameters parameters = Parameters.with("tenant", tenantId).and("collections", collectionIds);
    if (status != null) {
      query.append(" and status = :status");
      parameters.and("status", status);
    }
    if (tag != null) {
      query.append(" and array_contains(tags, :tag)");
      parameters.and("tag", tag);
    }
    if (after != null) {
      query.append(" and (createdAt < :at or (createdAt = :at and id < :id))");
      parameters.and("at", after.at()).and("id", after.id());
    }
    return find(query.append(" order by createdAt desc, id desc").toString(), parameters)
        .range(0, limit - 1)
        .list();
  }

  /** The titles of those of the documents that still exist. */
  public Uni<Map<UUID, String>> titles(UUID tenantId, List<UUID> ids) {
    return getSession()
        .chain(
            session ->
                session
                    .createSelectionQuery(
                        "select id, title from Document where tenantId = :tenant and id in :ids",
                        Object[].class)
                    .setParameter("tenant", tenantId)
                    .setParameter("ids", ids)
                    .getResultList())
        .map(
            rows -> {
              Map<UUID, String> titles = new HashMap<>();
              for (Object[] row : rows) {
                titles.put((UUID) row[0], (String) row[1]);
              }
              return titles;
            });
  }

  /** The ids of the collection's documents. */
  public Uni<List<UUID>> idsIn(UUID tenantId, UUID collectionId) {
    return getSession()
        .chain(
            session ->
                session
                    .createSelectionQuery(
                        "select id from Document where tenantId = :tenant"
                            + " and collectionId = :collection",
                        UUID.class)
                    .setParameter("tenant", tenantId)
                    .setParameter("collection", collectionId)
                    .getResultList());
  }

  /**
   * Queues an indexed or failed document again, with its progress reset; 0 when it is in any other
   * state (the pipeline has it).
   */
  public Uni<Integer> requeue(UUID tenantId, UUID id, OffsetDateTime now) {
    return update(
        "status = 'queued', chunksDone = 0, chunksTotal = 0, error = null, updatedAt = ?3"
            + " where tenantId = ?1 and id = ?2 and status in ('indexed', 'failed')",
        tenantId,
        id,
        now);
  }

  /**
   * For a rebuilt index: every indexed document back to {@code embedding} from its first chunk,
   * with a job of the queue; a document already embedding (it has its job) starts again from its
   * first chunk. In the current transaction (native SQL: one statement for every tenant's
   * documents). Answers how many documents got a job. The jobs say {@code reindex}: a document
   * embedded again is not announced again ({@code document.indexed} went out the first time).
   */
  public Uni<Integer> requeueAllForEmbedding(String queue) {
    return getSession()
        .chain(
            session ->
                session
                    .createNativeQuery(
                        "UPDATE document SET chunks_done = 0, updated_at = now()"
                            + " WHERE status = 'embedding'")
                    .executeUpdate()
                    .chain(
                        () ->
                            session
                                .createNativeQuery(
                                    "WITH moved AS (UPDATE document SET status = 'embedding',"
                                        + " chunks_done = 0, updated_at = now()"
                                        + " WHERE status = 'indexed' AND chunks_total > 0"
                                        + " RETURNING tenant_id, id)"
                                        + " INSERT INTO job (id, queue, tenant_id, payload)"
                                        + " SELECT gen_random_uuid(), :queue, tenant_id,"
                                        + " jsonb_build_object('documentId', id, 'reindex', true)"
                                        + " FROM moved")
                                .setParameter("queue", queue)
                                .executeUpdate()));
  }

  // The pipeline's status machine: queued -> parsing -> embedding -> indexed | failed. Each
  // answers how many rows changed (0: the document was deleted meanwhile).

  public Uni<Integer> markParsing(UUID id, OffsetDateTime now) {
    return update(
        "status = 'parsing', chunksDone = 0, chunksTotal = 0, error = null, updatedAt = ?2"
            + " where id = ?1",
        id,
        now);
  }

  public Uni<Integer> markEmbedding(UUID id, int total, Integer pages, OffsetDateTime now) {
    return update(
        "status = 'embedding', chunksTotal = ?2, chunksDone = 0, pages = ?3, updatedAt = ?4"
            + " where id = ?1",
        id,
        total,
        pages,
        now);
  }

  public Uni<Integer> saveProgress(UUID id, int done, OffsetDateTime now) {
    return update("chunksDone = ?2, updatedAt = ?3 where id = ?1", id, done, now);
  }

  /** Documents indexed with at least one chunk: what an index should hold. */
  public Uni<Long> countIndexed() {
    return count("status = 'indexed' and chunksTotal > 0");
  }

  public Uni<Integer> markIndexed(UUID id, int total, OffsetDateTime now) {
    return update(
        "status = 'indexed', chunksDone = ?2, error = null, updatedAt = ?3 where id = ?1",
        id,
        total,
        now);
  }

  public Uni<Integer> markFailed(UUID id, String reason, OffsetDateTime now) {
    return update(
        "status = 'failed', error = ?2, chunksDone = 0, chunksTotal = 0, updatedAt = ?3"
            + " where id = ?1",
        id,
        reason,
        now);
  }
}
