package io.smbcopilot.notifications.rest;

import io.smbcopilot.outbox.Db;
import io.smbcopilot.problem.Paging;
import io.smbcopilot.security.Permission;
import io.smbcopilot.security.PrincipalType;
import io.smbcopilot.security.RequiresPermission;
import io.smbcopilot.security.TenantContext;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The signed-in user's in-app feed (the full notifications feature comes later). */
@Path("/api/v1/notifications")
@Tag(name = "notifications")
@Produces(MediaType.APPLICATION_JSON)
@RequiresPermission(Permission.NOTIFICATIONS_READ)
public class NotificationResource {
  public record Notification(
      UUID id,
      String kind,
      String title,
      String body,
      String link,
      OffsetDateTime createdAt,
      OffsetDateTime readAt) {}

  public record NotificationPage(List<Notification> items, String nextCursor) {}

  private final Db db;
  private final TenantContext context;

  public NotificationResource(Db db, TenantContext context) {
    this.db = db;
    this.context = context;
  }

  @GET
  @Operation(summary = "My notifications, newest first")
  @APIResponse(responseCode = "200", description = "a page of notifications")
  @APIResponse(responseCode = "400", description = "a bad limit or cursor")
  public NotificationPage list(
      @QueryParam("limit") Integer limit, @QueryParam("cursor") String cursor) {
    if (context.principalType() != PrincipalType.USER) {
      return new NotificationPage(List.of(), null);
    }
    int size = Paging.limit(limit);
    Paging.TimeCursor after = Paging.decodeTime(cursor);
    List<Notification> items = new ArrayList<>();
    for (Row row :
        db.query(
            "SELECT id, kind, title, body, link, created_at, read_at FROM notification"
                + " WHERE tenant_id = $1 AND user_id = $2"
                + " AND ($3::timestamptz IS NULL OR (created_at, id) < ($3, $4))"
                + " ORDER BY created_at DESC, id DESC LIMIT $5",
            context.tenantId(),
            context.subject(),
            after == null ? null : after.at(),
            after == null ? null : after.id(),
            size)) {
      items.add(
          new Notification(
              row.getUUID("id"),
              row.getString("kind"),
              row.getString("title"),
              row.getString("body"),
              row.getString("link"),
              row.getOffsetDateTime("created_at"),
              row.getOffsetDateTime("read_at")));
    }
    return new NotificationPage(
        items,
        Paging.next(items, size, n -> Paging.encode(new Paging.TimeCursor(n.createdAt(), n.id()))));
  }
}
