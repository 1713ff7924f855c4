package io.smbcopilot.outbox;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/**
 * A row of {@code outbox_event}: an event written in the transaction of the state change it
 * describes, until the relay has published it. The schema belongs to Flyway ({@code
 * db/outbox/V0_1__outbox_and_inbox.sql}); {@code seq} and {@code created_at} are the database's.
 */
@Entity
@Table(name = "outbox_event")
public class OutboxEvent {
  @Id public String id;

  @Column(nullable = false)
  public String topic;

  @Column(name = "tenant_id", nullable = false)
  public String tenantId;

  @Column(nullable = false)
  public String type;

  @Column(nullable = false)
  public String source;

  public String subject;

  @Column(name = "occurred_at", nullable = false)
  public OffsetDateTime occurredAt;

  /** The event's data as JSON text, stored as {@code jsonb}. */
  @JdbcTypeCode(SqlTypes.JSON)
  @Column(nullable = false)
  public String data;

  /** W3C trace context of the change, so that consumers continue its trace. */
  public String traceparent;
}
