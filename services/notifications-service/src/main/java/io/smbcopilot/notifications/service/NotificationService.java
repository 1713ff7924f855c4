package io.smbcopilot.notifications.service;

import io.opentelemetry.instrumentation.annotations.SpanAttribute;
import io.opentelemetry.instrumentation.annotations.WithSpan;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import io.smbcopilot.notifications.domain.MailMessage;
import io.smbcopilot.notifications.domain.Notification;
import io.smbcopilot.notifications.repository.MailMessageRepository;
import io.smbcopilot.notifications.repository.NotificationRepository;
import io.smbcopilot.problem.Paging;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The in-app feed: what creates notifications, and reading them. */
@ApplicationScoped
public class NotificationService {
  private final NotificationRepository notifications;
  private final MailMessageRepository mails;
  private final Notifier notifier;

  public NotificationService(
      NotificationRepository notifications, MailMessageRepository mails, Notifier notifier) {
    this.notifications = notifications;
    this.mails = mails;
    this.notifier = notifier;
  }

  /** Mails to the user or caused by them (their invitations), newest first. */
  @WithSession
  @WithSpan("NotificationService.emails")
  public Uni<List<MailMessage>> emails(
      @SpanAttribute("tenant.id") UUID tenantId,
      String userId,
      String status,
      Paging.TimeCursor after,
      int limit) {
    return mails.mine(tenantId, userId, status, after, limit);
  }

  /**
   * The platform disabled a webhook endpoint: the tenant's admins are told why (the catalog's
   * {@code webhook.disabled}). Runs in the caller's transaction.
   */
  public Uni<Void> webhookDisabled(UUID tenantId, UUID endpointId, String url, String reason) {
    return notifier.notify(
        "webhook.disabled",
        tenantId,
        Map.of("url", url, "reason", reason, "endpointId", endpointId.toString()));
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
