package io.smbcopilot.notifications.rest;

import io.quarkus.security.PermissionsAllowed;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smbcopilot.notifications.domain.MailMessage;
import io.smbcopilot.notifications.domain.Notification;
import io.smbcopilot.notifications.feed.FeedHub;
import io.smbcopilot.notifications.repository.FeedRepository;
import io.smbcopilot.notifications.service.NotificationService;
import io.smbcopilot.problem.Heartbeats;
import io.smbcopilot.problem.Page;
import io.smbcopilot.problem.Paging;
import io.smbcopilot.problem.ProblemException;
import io.smbcopilot.security.Permission;
import io.smbcopilot.security.PrincipalType;
import io.smbcopilot.security.TenantContext;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.ResponseHeader;

/**
 * The signed-in user's in-app feed: the list (all or unread), the unread count, marking read, and
 * the live stream.
 */
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
  private final FeedRepository feed;
  private final FeedHub hub;
  private final com.fasterxml.jackson.databind.ObjectMapper mapper;
  private final java.time.Duration heartbeat;

  public NotificationResource(
      NotificationService notifications,
      TenantContext context,
      FeedRepository feed,
      FeedHub hub,
      com.fasterxml.jackson.databind.ObjectMapper mapper,
      @org.eclipse.microprofile.config.inject.ConfigProperty(
              name = "copilot.feed.heartbeat-interval",
              defaultValue = "15s")
          java.time.Duration heartbeat) {
    this.notifications = notifications;
    this.context = context;
    this.feed = feed;
    this.hub = hub;
    this.mapper = mapper;
    this.heartbeat = heartbeat;
  }

  @GET
  @Operation(summary = "My notifications, newest first (unread=true: the unread ones)")
  @APIResponse(responseCode = "200", description = "a page of notifications")
  @APIResponse(responseCode = "400", description = "a bad limit or cursor")
  public Uni<Page<NotificationView>> list(
      @QueryParam("limit") Integer limit,
      @QueryParam("cursor") String cursor,
      @QueryParam("unread") boolean unread) {
    int size = Paging.limit(limit);
    Paging.TimeCursor after = Paging.decodeTime(cursor);
    if (context.principalType() != PrincipalType.USER) {
      // API keys have no feed of their own.
      return Uni.createFrom().item(new Page<>(List.of(), null));
    }
    return notifications
        .feed(context.tenantId(), context.subject(), unread, after, size)
        .map(
            found -> {
              List<NotificationView> items = found.stream().map(NotificationView::of).toList();
              return Page.of(
                  items, size, n -> Paging.encode(new Paging.TimeCursor(n.createdAt(), n.id())));
            });
  }

  @Schema(name = "Email")
  public record EmailView(
      UUID id,
      String kind,
      String to,
      String subject,
      @Schema(
              description =
                  "held (for the digest), queued, sent, failed (refused for good or out of"
                      + " retries), digested (sent inside a digest) or cancelled")
          String status,
      int attempts,
      @Schema(description = "what the SMTP server said last, when it did not take the mail")
          String lastError,
      OffsetDateTime createdAt,
      OffsetDateTime sentAt) {
    static EmailView of(MailMessage m) {
      return new EmailView(
          m.id,
          m.kind,
          m.toAddress,
          m.subject,
          m.status,
          m.attempts,
          m.lastError,
          m.createdAt,
          m.sentAt);
    }
  }

  private static final java.util.Set<String> MAIL_STATUSES =
      java.util.Set.of(
          MailMessage.HELD,
          MailMessage.QUEUED,
          MailMessage.SENT,
          MailMessage.FAILED,
          MailMessage.DIGESTED,
          MailMessage.CANCELLED);

  @GET
  @Path("/emails")
  @Operation(
      summary =
          "Mails to me, or sent because of me (my invitations), newest first, with what became"
              + " of each")
  @APIResponse(responseCode = "200", description = "a page of mails")
  @APIResponse(responseCode = "400", description = "a bad limit, cursor or status")
  public Uni<Page<EmailView>> emails(
      @QueryParam("limit") Integer limit,
      @QueryParam("cursor") String cursor,
      @QueryParam("status") String status) {
    int size = Paging.limit(limit);
    Paging.TimeCursor after = Paging.decodeTime(cursor);
    if (status != null && !MAIL_STATUSES.contains(status)) {
      throw ProblemException.invalid("status", "one of " + new java.util.TreeSet<>(MAIL_STATUSES));
    }
    if (context.principalType() != PrincipalType.USER) {
      return Uni.createFrom().item(new Page<>(List.of(), null));
    }
    return notifications
        .emails(context.tenantId(), context.subject(), status, after, size)
        .map(
            found ->
                Page.of(
                    found.stream().map(EmailView::of).toList(),
                    size,
                    e -> Paging.encode(new Paging.TimeCursor(e.createdAt(), e.id()))));
  }

  public record UnreadCount(long unread) {}

  public record ReadAll(@Schema(description = "how many were unread") int read) {}

  @GET
  @Path("/unread-count")
  @Operation(summary = "How many of my notifications are unread")
  @APIResponse(responseCode = "200", description = "the count")
  public Uni<UnreadCount> unreadCount() {
    if (context.principalType() != PrincipalType.USER) {
      return Uni.createFrom().item(new UnreadCount(0));
    }
    return feed.unread(context.tenantId(), context.subject()).map(UnreadCount::new);
  }

  @POST
  @Path("/{id}/read")
  @Operation(summary = "Mark one of my notifications read")
  @APIResponse(responseCode = "204", description = "read (again, when it already was)")
  @APIResponse(responseCode = "404", description = "not one of my notifications")
  public Uni<Response> read(@PathParam("id") UUID id) {
    if (context.principalType() != PrincipalType.USER) {
      throw ProblemException.notFound("notification " + id);
    }
    return feed.read(context.tenantId(), context.subject(), id)
        .map(
            found -> {
              if (!found) {
                throw ProblemException.notFound("notification " + id);
              }
              return Response.noContent().build();
            });
  }

  @POST
  @Path("/read-all")
  @Operation(summary = "Mark all my notifications read")
  @APIResponse(responseCode = "200", description = "how many were unread")
  public Uni<ReadAll> readAll() {
    if (context.principalType() != PrincipalType.USER) {
      return Uni.createFrom().item(new ReadAll(0));
    }
    return feed.readAll(context.tenantId(), context.subject()).map(ReadAll::new);
  }

  @GET
  @Path("/stream")
  @Produces(MediaType.SERVER_SENT_EVENTS)
  @ResponseHeader(name = "Cache-Control", value = "no-cache")
  @ResponseHeader(name = "X-Accel-Buffering", value = "no")
  @Operation(
      summary = "My notifications as they come (server-sent events)",
      description =
          "First a `ready` event whose `id:` is where the stream starts, then one `notification`"
              + " event per new notification, its `id:` the notification's place in the feed;"
              + " reconnect with `Last-Event-ID` to get what was made meanwhile, on any replica,"
              + " after any restart. A `: heartbeat` comment every 15 s.")
  @APIResponse(responseCode = "200", description = "the stream")
  @APIResponse(
      responseCode = "400",
      description = "a Last-Event-ID that is not one of the stream's")
  public Multi<OutboundSseEvent> stream(
      @HeaderParam("Last-Event-ID") String lastEventId, @Context Sse sse) {
    Long after = null;
    if (lastEventId != null && !lastEventId.isBlank()) {
      try {
        after = Long.parseLong(lastEventId.trim());
      } catch (NumberFormatException e) {
        throw ProblemException.invalid("header.Last-Event-ID", "is not an event id of this stream");
      }
    }
    context.person("API keys have no feed of their own");
    Multi<OutboundSseEvent> events =
        hub.follow(context.tenantId(), context.subject(), after)
            .map(
                item ->
                    sse.newEventBuilder()
                        .id(Long.toString(item.seq()))
                        .name(item instanceof FeedHub.Made ? "notification" : "ready")
                        .data(
                            String.class,
                            item instanceof FeedHub.Made made
                                ? json(made.entry())
                                : "{\"position\":" + item.seq() + "}")
                        .build());
    return Heartbeats.merge(
        events, heartbeat, () -> sse.newEventBuilder().comment("heartbeat").build());
  }

  private String json(FeedRepository.Entry e) {
    try {
      return mapper.writeValueAsString(
          new NotificationView(
              e.id(), e.kind(), e.title(), e.body(), e.link(), e.createdAt(), e.readAt()));
    } catch (com.fasterxml.jackson.core.JsonProcessingException ex) {
      throw new IllegalStateException(ex);
    }
  }
}
