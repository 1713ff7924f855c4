package io.smbcopilot.ingestion.index;

import io.smbcopilot.ingestion.pipeline.Location;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The vector and keyword index of chunks (the port; Lucene on local disk and Qdrant are its
 * adapters). Every query carries a {@link Filter} with the tenant and the collections the caller
 * may read, and the adapter applies it inside the store's own query, never to results afterwards.
 */
public interface ChunkIndex extends AutoCloseable {
  /** A chunk as indexed: identity, ownership, text, location and its vector. */
  record Entry(
      UUID tenantId,
      UUID collectionId,
      UUID documentId,
      int seq,
      List<String> tags,
      String text,
      Location location,
      float[] vector) {
    /** Stable id of the chunk: indexing the same chunk again replaces it. */
    public String id() {
      return documentId + ":" + seq;
    }
  }

  /**
   * What a query may see: one tenant, a non-empty set of collections; optionally only these tags
   * (any of them) and documents.
   */
  record Filter(UUID tenantId, Set<UUID> collections, Set<String> tags, Set<UUID> documents) {
    public Filter {
      if (tenantId == null || collections == null || collections.isEmpty()) {
        throw new IllegalArgumentException("a query needs a tenant and at least one collection");
      }
      collections = Set.copyOf(collections);
      tags = tags == null ? Set.of() : Set.copyOf(tags);
      documents = documents == null ? Set.of() : Set.copyOf(documents);
    }
  }

  /** A chunk found by a query; a higher score is better (scores of the two kinds differ). */
  record Hit(
      UUID documentId, UUID collectionId, int seq, String text, Location location, float score) {
    public String id() {
      return documentId + ":" + seq;
    }
  }

  /** Adds or replaces the chunks (by id) and makes them durable and searchable. */
  void upsert(List<Entry> entries);

  /** Removes every chunk of the document. */
  void deleteDocument(UUID tenantId, UUID documentId);

  /**
   * Removes every chunk of the tenant (its erasure), from the store's files too: nothing of it may
   * stay readable, even in deleted entries that a merge would drop later.
   */
  void deleteTenant(UUID tenantId);

  /** Nearest chunks to the vector, approximately (the store's vector index). */
  List<Hit> vector(float[] vector, Filter filter, int k);

  /** Best chunks for the words of the query, by BM25. */
  List<Hit> keyword(String query, Filter filter, int k);

  /**
   * The embedding model whose vectors the index holds, as the index records it; empty when it
   * records none (a new index, or one built before the record was kept, by all-minilm-l6-v2).
   */
  Optional<String> model();

  /** Whether the index holds no chunk of any tenant. */
  boolean isEmpty();

  /**
   * Records the model whose vectors the index holds: for a new index, or one built before the
   * record was kept, by the same model.
   */
  void recordModel(String model);

  /**
   * Removes every chunk of every tenant and records the model that will fill the index again, in
   * one step: no moment holds another model's vectors beside the record.
   */
  void clear(String model);

  /** How many chunks of the document are indexed (for checks and tests). */
  long count(UUID tenantId, UUID documentId);

  /** Which store this is, for logs and health. */
  String name();

  @Override
  void close();
}
