package io.smbcopilot.notifications.rest;

import io.quarkus.security.PermissionsAllowed;
import io.smallrye.mutiny.Uni;
import io.smbcopilot.notifications.domain.Notification;
import io.smbcopilot.notifications.service.NotificationService;
import io.smbcopilot.problem.Page;
import io.smbcopilot.problem.Paging;
import io.smbcopilot.security.Permission;
import io.smbcopilot.security.PrincipalType;
import io.smbcopilot.security.TenantContext;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The signed-in user's in-app feed (the full notifications feature comes later). */
@Path("/api/v1/notifications")
@Tag(name = "notifications")
@Produces(MediaType.APPLICATION_JSON)
@PermissionsAllowed(Permission.Names.NOTIFICATIONS_READ)
public class NotificationResource {
  @Schema(name = "Notification")
  public record NotificationView(
      UUID id,
      String kind,
      String title,
      String body,
      String link,
      OffsetDateTime createdAt,
      OffsetDateTime readAt) {
    static NotificationView of(Notification n) {
      return new NotificationView(n.id, n.kind, n.title, n.body, n.link, n.createdAt, n.readAt);
    }
  }

  private final NotificationService notifications;
  private final TenantContext context;

  public NotificationResource(NotificationService notifications, TenantContext context) {
    this.notifications = notifications;
    this.context = context;
  }

  @GET
  @Operation(summary = "My notifications, newest first")
  @APIResponse(responseCode = "200", description = "a page of notifications")
  @APIResponse(responseCode = "400", description = "a bad limit or cursor")
  public Uni<Page<NotificationView>> list(
      @QueryParam("limit") Integer limit, @QueryParam("cursor") String cursor) {
    int size = Paging.limit(limit);
    Paging.TimeCursor after = Paging.decodeTime(cursor);
    if (context.principalType() != PrincipalType.USER) {
      // API keys have no feed of their own.
      return Uni.createFrom().item(new Page<>(List.of(), null));
    }
    return notifications
        .feed(context.tenantId(), context.subject(), after, size)
        .map(
            found -> {
              List<NotificationView> items = found.stream().map(NotificationView::of).toList();
              return Page.of(
                  items, size, n -> Paging.encode(new Paging.TimeCursor(n.createdAt(), n.id())));
            });
  }
}
