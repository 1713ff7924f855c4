package io.smbcopilot.ingestion.repository;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;

/**
 * A document's original in {@code document_blob}, one numbered piece per row, written and read a
 * piece at a time through the current session (native SQL: the pieces are bytes, not entities, and
 * must not pile up in the session).
 */
@ApplicationScoped
public class OriginalRepository {

  public Uni<Void> store(UUID documentId, int seq, byte[] bytes) {
    return Panache.getSession()
        .chain(
            session ->
                session
                    .createNativeQuery(
                        "INSERT INTO document_blob (document_id, seq, bytes)"
                            + " VALUES (:document, :seq, :bytes)")
                    .setParameter("document", documentId)
                    .setParameter("seq", seq)
                    .setParameter("bytes", bytes)
                    .executeUpdate())
        .replaceWithVoid();
  }

  /**
   * The first piece, and whether another follows it: one round trip for the many originals that fit
   * in one piece. Null when the document has no stored original.
   */
  public Uni<First> first(UUID documentId) {
    return Panache.getSession()
        .chain(
            session ->
                session
                    .createNativeQuery(
                        "SELECT bytes, EXISTS (SELECT 1 FROM document_blob"
                            + " WHERE document_id = :document AND seq = 1)"
                            + " FROM document_blob WHERE document_id = :document AND seq = 0",
                        Object[].class)
                    .setParameter("document", documentId)
                    .getSingleResultOrNull())
        .map(row -> row == null ? null : new First((byte[]) row[0], (Boolean) row[1]));
  }

  /** An original's first piece; {@code more}: another piece follows. */
  public record First(byte[] bytes, boolean more) {}

  /** The piece, or null after the last one. */
  public Uni<byte[]> piece(UUID documentId, int seq) {
    return Panache.getSession()
        .chain(
            session ->
                session
                    .createNativeQuery(
                        "SELECT bytes FROM document_blob WHERE document_id = :document AND seq = :seq",
                        byte[].class)
                    .setParameter("document", documentId)
                    .setParameter("seq", seq)
                    .getSingleResultOrNull());
  }
}
