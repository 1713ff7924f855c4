package io.smbcopilot.notifications.domain;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.UUID;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** One user's notification choices ({@code notification_preference}). */
@Entity
@Table(name = "notification_preference")
@IdClass(TenantUserKey.class)
public class NotificationPreference {
  @Id
  @Column(name = "tenant_id")
  public UUID tenantId;

  @Id
  @Column(name = "user_id")
  public String userId;

  /** Where each kind goes, {@code {"document.indexed": "email", ...}}; others keep the default. */
  @Column(nullable = false)
  @JdbcTypeCode(SqlTypes.JSON)
  public String deliveries;

  @Column(name = "digest_enabled", nullable = false)
  public boolean digestEnabled;

  /** The hour (0-23, in {@link #timeZone}) the digest goes out. */
  @Column(name = "digest_hour", nullable = false)
  public int digestHour;

  @Column(name = "time_zone", nullable = false)
  public String timeZone;

  /** The user's local date of the last digest sent. */
  @Column(name = "digest_sent_on")
  public LocalDate digestSentOn;

  @Column(name = "updated_at", nullable = false)
  public OffsetDateTime updatedAt;
}
