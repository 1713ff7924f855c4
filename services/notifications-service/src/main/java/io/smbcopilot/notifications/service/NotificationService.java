package io.smbcopilot.notifications.service;

import io.opentelemetry.instrumentation.annotations.SpanAttribute;
import io.opentelemetry.instrumentation.annotations.WithSpan;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import io.smbcopilot.events.CloudEvent;
import io.smbcopilot.events.identity.TenantCreated;
import io.smbcopilot.notifications.domain.Notification;
import io.smbcopilot.notifications.repository.NotificationRepository;
import io.smbcopilot.problem.Paging;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

/** The in-app feed: what creates notifications, and reading them. */
@ApplicationScoped
public class NotificationService {
  private final NotificationRepository notifications;

  public NotificationService(NotificationRepository notifications) {
    this.notifications = notifications;
  }

  /**
   * A new tenant's owner is welcomed. Runs in the transaction of the inbox that records the event.
   */
  @WithSpan("NotificationService.welcome")
  public Uni<Void> welcome(TenantCreated created, CloudEvent event) {
    Notification welcome = new Notification();
    welcome.id = UUID.randomUUID();
    welcome.tenantId = UUID.fromString(created.tenantId());
    welcome.userId = created.ownerUserId();
    welcome.kind = "welcome";
    welcome.title = "Welcome to SMB Copilot, " + created.ownerDisplayName();
    welcome.body =
        created.name()
            + " is ready. Upload your first documents, invite your team and ask the copilot.";
    welcome.link = "/documents";
    welcome.sourceEventId = event.id();
    welcome.createdAt = OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
    return notifications.persist(welcome).replaceWithVoid();
  }

  /**
   * The platform disabled a webhook endpoint: the admin who registered it is told why. Runs in the
   * caller's transaction.
   */
  public Uni<Void> webhookDisabled(
      UUID tenantId, String userId, UUID endpointId, String url, String reason) {
    Notification n = new Notification();
    n.id = UUID.randomUUID();
    n.tenantId = tenantId;
    n.userId = userId;
    n.kind = "webhook-disabled";
    n.title = "A webhook endpoint was disabled";
    n.body = url + " receives no more events: " + reason + ". Enable it again once it answers.";
    n.link = "/settings/webhooks/" + endpointId;
    n.createdAt = OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
    return notifications.persist(n).replaceWithVoid();
  }

  /** One user's feed, newest first. */
  @WithSession
  @WithSpan("NotificationService.feed")
  public Uni<List<Notification>> feed(
      @SpanAttribute("tenant.id") UUID tenantId,
      String userId,
      boolean unreadOnly,
      Paging.TimeCursor after,
      int limit) {
    return notifications.feed(tenantId, userId, unreadOnly, after, limit);
  }
}
