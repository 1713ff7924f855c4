package io.smbcopilot.workflow.repository;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.smbcopilot.outbox.SqlValues;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * A tenant's exports ({@code tenant_export}) and their archives, kept as numbered pieces ({@code
 * tenant_export_piece}). In the caller's Hibernate Reactive session. An export of the business has
 * no subject; a person's own export has theirs, and is seen only by them ({@code subject} given).
 */
@ApplicationScoped
public class TenantExportRepository {
  private static final String COLUMNS =
      "id, requested_by, status, requested_at, finished_at, expires_at, size_bytes, sha256,"
          + " contents::text, error";

  /** The business's exports when ?3 is null, else that person's. */
  private static final String OF_SUBJECT = "subject IS NOT DISTINCT FROM cast(?3 as text)";

  /** One export, as its row says. */
  public record Export(
      UUID id,
      String requestedBy,
      String status,
      OffsetDateTime requestedAt,
      OffsetDateTime finishedAt,
      OffsetDateTime expiresAt,
      Long sizeBytes,
      String sha256,
      String contents,
      String error) {

    static Export of(Object[] r) {
      return new Export(
          (UUID) r[0],
          (String) r[1],
          (String) r[2],
          SqlValues.time(r[3]),
          SqlValues.time(r[4]),
          SqlValues.time(r[5]),
          r[6] == null ? null : ((Number) r[6]).longValue(),
          (String) r[7],
          (String) r[8],
          (String) r[9]);
    }
  }

  /**
   * A new export being built (a person's own with their {@code subject}, the business's with null);
   * fails on the unique index when one of the same is.
   */
  public Uni<Void> start(
      UUID id, UUID tenantId, String requestedBy, String subject, OffsetDateTime now) {
    return Panache.getSession()
        .chain(
            s ->
                s.createNativeQuery(
                        "INSERT INTO tenant_export (id, tenant_id, requested_by, subject, status,"
                            + " requested_at) VALUES (?1, ?2, ?3, cast(?4 as text), 'building',"
                            + " ?5)")
                    .setParameter(1, id)
                    .setParameter(2, tenantId)
                    .setParameter(3, requestedBy)
                    .setParameter(4, subject)
                    .setParameter(5, now)
                    .executeUpdate())
        .replaceWithVoid();
  }

  /** The exports of the business (subject null) or of one person, newest first. */
  public Uni<List<Export>> list(UUID tenantId, String subject, int limit) {
    return Panache.getSession()
        .chain(
            s ->
                s.createNativeQuery(
                        "SELECT "
                            + COLUMNS
                            + " FROM tenant_export WHERE tenant_id = ?1 AND "
                            + OF_SUBJECT
                            + " ORDER BY requested_at DESC, id LIMIT ?2",
                        Object[].class)
                    .setParameter(1, tenantId)
                    .setParameter(2, limit)
                    .setParameter(3, subject)
                    .getResultList())
        .map(rows -> rows.stream().map(Export::of).toList());
  }

  /** One export of the business (subject null) or of one person. */
  public Uni<Optional<Export>> find(UUID tenantId, String subject, UUID id) {
    return Panache.getSession()
        .chain(
            s ->
                s.createNativeQuery(
                        "SELECT "
                            + COLUMNS
                            + " FROM tenant_export WHERE tenant_id = ?1 AND id = ?2 AND "
                            + OF_SUBJECT,
                        Object[].class)
                    .setParameter(1, tenantId)
                    .setParameter(2, id)
                    .setParameter(3, subject)
                    .getResultList())
        .map(rows -> rows.stream().findFirst().map(Export::of));
  }

  /** Forgets the pieces of an earlier attempt at the archive. */
  public Uni<Integer> dropPieces(UUID id) {
    return Panache.getSession()
        .chain(
            s ->
                s.createNativeQuery("DELETE FROM tenant_export_piece WHERE export_id = ?1")
                    .setParameter(1, id)
                    .executeUpdate());
  }

  public Uni<Integer> addPiece(UUID id, UUID tenantId, int seq, byte[] bytes) {
    return Panache.getSession()
        .chain(
            s ->
                s.createNativeQuery(
                        "INSERT INTO tenant_export_piece (export_id, tenant_id, seq, bytes)"
                            + " VALUES (?1, ?2, ?3, ?4)")
                    .setParameter(1, id)
                    .setParameter(2, tenantId)
                    .setParameter(3, seq)
                    .setParameter(4, bytes)
                    .executeUpdate());
  }

  /** The archive's piece, or empty past its last. */
  public Uni<Optional<byte[]>> piece(UUID id, int seq) {
    return Panache.getSession()
        .chain(
            s ->
                s.createNativeQuery(
                        "SELECT bytes FROM tenant_export_piece WHERE export_id = ?1 AND seq = ?2",
                        byte[].class)
                    .setParameter(1, id)
                    .setParameter(2, seq)
                    .getResultList())
        .map(rows -> rows.stream().findFirst());
  }

  /** Built: its archive is complete, until {@code expiresAt}. 0 when it is not being built. */
  public Uni<Integer> ready(
      UUID id,
      long size,
      String sha256,
      String contents,
      OffsetDateTime now,
      OffsetDateTime expiresAt) {
    return Panache.getSession()
        .chain(
            s ->
                s.createNativeQuery(
                        "UPDATE tenant_export SET status = 'ready', size_bytes = ?2, sha256 = ?3,"
                            + " contents = cast(cast(?4 as text) as jsonb), finished_at = ?5,"
                            + " expires_at = ?6"
                            + " WHERE id = ?1 AND status = 'building'")
                    .setParameter(1, id)
                    .setParameter(2, size)
                    .setParameter(3, sha256)
                    .setParameter(4, contents)
                    .setParameter(5, now)
                    .setParameter(6, expiresAt)
                    .executeUpdate());
  }

  /** It could not be built; its pieces go. */
  public Uni<Integer> failed(UUID id, String error, OffsetDateTime now) {
    return dropPieces(id)
        .chain(
            () ->
                Panache.getSession()
                    .chain(
                        s ->
                            s.createNativeQuery(
                                    "UPDATE tenant_export SET status = 'failed', error = ?2,"
                                        + " finished_at = ?3 WHERE id = ?1 AND status = 'building'")
                                .setParameter(1, id)
                                .setParameter(2, error)
                                .setParameter(3, now)
                                .executeUpdate()));
  }

  /** Ready exports past their time become expired, their archives deleted; answers how many. */
  public Uni<Long> expire(OffsetDateTime now) {
    return Panache.getSession()
        .chain(
            s ->
                s.createNativeQuery(
                        "WITH gone AS (UPDATE tenant_export SET status = 'expired'"
                            + " WHERE status = 'ready' AND expires_at <= ?1 RETURNING id),"
                            + " pieces AS (DELETE FROM tenant_export_piece WHERE export_id IN"
                            + " (SELECT id FROM gone)) SELECT count(*) FROM gone",
                        Long.class)
                    .setParameter(1, now)
                    .getSingleResult());
  }

  /**
   * The business's exports asked up to {@code now} (ready or being built) are withdrawn, their
   * archives deleted: a former member was pseudonymised, and those archives hold them as they were.
   * A ready one expires now, one being built fails; both say why ({@code reason}). Answers how
   * many.
   */
  public Uni<Long> withdraw(UUID tenantId, OffsetDateTime now, String reason) {
    return Panache.getSession()
        .chain(
            s ->
                s.createNativeQuery(
                        "WITH gone AS (UPDATE tenant_export SET"
                            + " status = CASE status WHEN 'ready' THEN 'expired' ELSE 'failed' END,"
                            + " expires_at = CASE status WHEN 'ready' THEN ?2 ELSE expires_at END,"
                            + " finished_at = coalesce(finished_at, ?2), error = ?3"
                            + " WHERE tenant_id = ?1 AND subject IS NULL"
                            + " AND status IN ('ready', 'building') AND requested_at <= ?2"
                            + " RETURNING id),"
                            + " pieces AS (DELETE FROM tenant_export_piece WHERE export_id IN"
                            + " (SELECT id FROM gone)) SELECT count(*) FROM gone",
                        Long.class)
                    .setParameter(1, tenantId)
                    .setParameter(2, now)
                    .setParameter(3, reason)
                    .getSingleResult());
  }
}
