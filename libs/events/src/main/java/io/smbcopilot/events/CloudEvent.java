package io.smbcopilot.events;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.UUID;

/**
 * A CloudEvents 1.0 event as the platform carries it: the context attributes travel as Kafka
 * headers ({@code ce_*}, binary mode), the data as the JSON record value, the tenant id as the
 * record key and as the {@code tenantid} extension.
 *
 * @param id unique per event; consumers deduplicate on it
 * @param source the emitting service, e.g. {@code /auth-service}
 * @param type e.g. {@code io.smbcopilot.identity.tenant-created.v1}
 * @param subject the object the event is about (optional)
 * @param tenantId the tenant the event belongs to
 * @param time when the change happened
 * @param data the payload, JSON
 * @param traceparent W3C trace context of the change (optional)
 */
public record CloudEvent(
    String id,
    String source,
    String type,
    String subject,
    String tenantId,
    OffsetDateTime time,
    JsonNode data,
    String traceparent) {

  public static final String SPEC_VERSION = "1.0";
  public static final String CONTENT_TYPE = "application/json";

  public CloudEvent {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(tenantId, "tenantId");
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(data, "data");
  }

  /** A new event with a random id, the current time, and the record as data. */
  public static CloudEvent of(
      EventType type, String source, String tenantId, String subject, Record payload) {
    if (!type.payload().isInstance(payload)) {
      throw new IllegalArgumentException(
          type.typeName() + " carries " + type.payload().getSimpleName() + ", not " + payload);
    }
    return new CloudEvent(
        UUID.randomUUID().toString(),
        source,
        type.typeName(),
        subject,
        tenantId,
        OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS),
        EventJson.MAPPER.valueToTree(payload),
        null);
  }

  public CloudEvent withTraceparent(String value) {
    return new CloudEvent(id, source, type, subject, tenantId, time, data, value);
  }

  /** The data as the payload record of its type. */
  public <T> T dataAs(Class<T> payload) {
    try {
      return EventJson.MAPPER.treeToValue(data, payload);
    } catch (Exception e) {
      throw new InvalidEventException(
          "event " + id + " has data that is not a " + payload.getSimpleName(), e);
    }
  }
}
