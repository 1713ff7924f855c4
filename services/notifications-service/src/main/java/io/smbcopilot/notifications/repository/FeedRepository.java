package io.smbcopilot.notifications.repository;

import io.smallrye.mutiny.Uni;
import io.smbcopilot.health.Pools;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The feed in its stream order ({@code notification.seq}) and its unread state, by SQL on the
 * reactive pool: the live stream reads outside any Hibernate session.
 */
@ApplicationScoped
public class FeedRepository {
  /** A notification with its place in the stream. */
  public record Entry(
      long seq,
      UUID id,
      String kind,
      String title,
      String body,
      String link,
      OffsetDateTime createdAt,
      OffsetDateTime readAt) {}

  private final Pool pool;

  public FeedRepository(Pool pool) {
    this.pool = pool;
  }

  /** The user's notifications after {@code seq}, in order, at most {@code limit}. */
  public Uni<List<Entry>> after(UUID tenantId, String userId, long seq, int limit) {
    return Pools.withConnection(
        pool,
        c ->
            c.preparedQuery(
                    "SELECT seq, id, kind, title, body, link, created_at, read_at FROM notification"
                        + " WHERE tenant_id = $1 AND user_id = $2 AND seq > $3 ORDER BY seq"
                        + " LIMIT $4")
                .execute(Tuple.of(tenantId, userId, seq, limit))
                .map(
                    rows -> {
                      List<Entry> entries = new ArrayList<>();
                      for (Row r : rows) {
                        entries.add(
                            new Entry(
                                r.getLong("seq"),
                                r.getUUID("id"),
                                r.getString("kind"),
                                r.getString("title"),
                                r.getString("body"),
                                r.getString("link"),
                                r.getOffsetDateTime("created_at"),
                                r.getOffsetDateTime("read_at")));
                      }
                      return entries;
                    }));
  }

  /** The user's last place in the stream (0 when the feed is empty). */
  public Uni<Long> last(UUID tenantId, String userId) {
    return Pools.withConnection(
        pool,
        c ->
            c.preparedQuery(
                    "SELECT coalesce(max(seq), 0) AS seq FROM notification"
                        + " WHERE tenant_id = $1 AND user_id = $2")
                .execute(Tuple.of(tenantId, userId))
                .map(rows -> rows.iterator().next().getLong("seq")));
  }

  /** How many of the user's notifications are unread. */
  public Uni<Long> unread(UUID tenantId, String userId) {
    return Pools.withConnection(
        pool,
        c ->
            c.preparedQuery(
                    "SELECT count(*) AS n FROM notification"
                        + " WHERE tenant_id = $1 AND user_id = $2 AND read_at IS NULL")
                .execute(Tuple.of(tenantId, userId))
                .map(rows -> rows.iterator().next().getLong("n")));
  }

  /** Marks one of the user's notifications read; false when it is not theirs. */
  public Uni<Boolean> read(UUID tenantId, String userId, UUID id) {
    return Pools.withConnection(
        pool,
        c ->
            c.preparedQuery(
                    "UPDATE notification SET read_at = coalesce(read_at, now())"
                        + " WHERE tenant_id = $1 AND user_id = $2 AND id = $3")
                .execute(Tuple.of(tenantId, userId, id))
                .map(rows -> rows.rowCount() == 1));
  }

  /** Marks all the user's notifications read; how many were unread. */
  public Uni<Integer> readAll(UUID tenantId, String userId) {
    return Pools.withConnection(
        pool,
        c ->
            c.preparedQuery(
                    "UPDATE notification SET read_at = now()"
                        + " WHERE tenant_id = $1 AND user_id = $2 AND read_at IS NULL")
                .execute(Tuple.of(tenantId, userId))
                .map(rows -> rows.rowCount()));
  }
}
