package io.smbcopilot.notifications.domain;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;
import java.util.UUID;

/** One mail and what became of it ({@code mail_message}). */
@Entity
@Table(name = "mail_message")
public class MailMessage {
  /** Waiting for its user's daily digest. */
  public static final String HELD = "held";

  /** A job of the mail queue sends it. */
  public static final String QUEUED = "queued";

  public static final String SENT = "sent";

  /** Refused for good by the SMTP server, or out of retries. */
  public static final String FAILED = "failed";

  /** Went out inside a digest ({@link #digestId}). */
  public static final String DIGESTED = "digested";

  /** Held for a digest when its user unsubscribed: never sent. */
  public static final String CANCELLED = "cancelled";

  @Id public UUID id;

  @Column(name = "tenant_id", nullable = false)
  public UUID tenantId;

  /** The member it is for; none for an invitation (its addressee is no member yet). */
  @Column(name = "user_id")
  public String userId;

  /** Who caused it, when that is not the addressee (the inviter of an invitation). */
  @Column(name = "requested_by")
  public String requestedBy;

  @Column(name = "to_address", nullable = false)
  public String toAddress;

  @Column(nullable = false)
  public String kind;

  @Column(nullable = false)
  public String subject;

  @Column(name = "text_body", nullable = false)
  public String textBody;

  @Column(name = "html_body", nullable = false)
  public String htmlBody;

  /** The notification's own words, for a digest to gather. */
  public String title;

  public String body;

  public String link;

  @Column(name = "unsubscribe_url")
  public String unsubscribeUrl;

  /**
   * An invitation's token, sealed with the deployment's key: the stored bodies hold a placeholder,
   * and the link is completed only as the mail goes out.
   */
  @Column(name = "sealed_secret")
  public String sealedSecret;

  @Column(nullable = false)
  public String status;

  @Column(nullable = false)
  public int attempts;

  @Column(name = "last_error")
  public String lastError;

  @Column(name = "digest_id")
  public UUID digestId;

  @Column(name = "created_at", nullable = false, updatable = false)
  public OffsetDateTime createdAt;

  @Column(name = "updated_at", nullable = false)
  public OffsetDateTime updatedAt;

  @Column(name = "sent_at")
  public OffsetDateTime sentAt;
}
