package io.smbcopilot.events;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/** CloudEvents Kafka protocol binding, binary content mode. */
public final class KafkaCloudEvents {
  public static final String SPECVERSION = "ce_specversion";
  public static final String ID = "ce_id";
  public static final String SOURCE = "ce_source";
  public static final String TYPE = "ce_type";
  public static final String SUBJECT = "ce_subject";
  public static final String TIME = "ce_time";
  public static final String TENANT = "ce_tenantid";
  public static final String CONTENT_TYPE = "content-type";
  public static final String TRACEPARENT = "traceparent";

  private KafkaCloudEvents() {}

  public static ProducerRecord<String, byte[]> toRecord(String topic, CloudEvent event) {
    Headers headers = new RecordHeaders();
    put(headers, SPECVERSION, CloudEvent.SPEC_VERSION);
    put(headers, ID, event.id());
    put(headers, SOURCE, event.source());
    put(headers, TYPE, event.type());
    put(headers, TIME, event.time().toString());
    put(headers, TENANT, event.tenantId());
    put(headers, CONTENT_TYPE, CloudEvent.CONTENT_TYPE);
    if (event.subject() != null) {
      put(headers, SUBJECT, event.subject());
    }
    if (event.traceparent() != null) {
      put(headers, TRACEPARENT, event.traceparent());
    }
    byte[] value;
    try {
      value = EventJson.MAPPER.writeValueAsBytes(event.data());
    } catch (IOException e) {
      throw new InvalidEventException("cannot write data of event " + event.id(), e);
    }
    return new ProducerRecord<>(topic, null, event.tenantId(), value, headers);
  }

  /** Reads a record; throws {@link InvalidEventException} when it is not a valid event. */
  public static CloudEvent fromRecord(ConsumerRecord<String, byte[]> record) {
    return fromRecord(record.headers(), record.value());
  }

  /**
   * Reads an event from a record's headers and value; throws {@link InvalidEventException} when it
   * is not a valid event.
   */
  public static CloudEvent fromRecord(Headers headers, byte[] value) {
    String spec = required(headers, SPECVERSION);
    if (!CloudEvent.SPEC_VERSION.equals(spec)) {
      throw new InvalidEventException("unsupported specversion " + spec);
    }
    JsonNode data;
    try {
      data = EventJson.MAPPER.readTree(value == null ? new byte[0] : value);
    } catch (IOException e) {
      throw new InvalidEventException("data is not JSON", e);
    }
    if (data == null || data.isMissingNode() || data.isNull()) {
      throw new InvalidEventException("event has no data");
    }
    OffsetDateTime time;
    try {
      time = OffsetDateTime.parse(required(headers, TIME));
    } catch (DateTimeParseException e) {
      throw new InvalidEventException("ce_time is not an RFC 3339 timestamp", e);
    }
    return new CloudEvent(
        required(headers, ID),
        required(headers, SOURCE),
        required(headers, TYPE),
        optional(headers, SUBJECT),
        required(headers, TENANT),
        time,
        data,
        optional(headers, TRACEPARENT));
  }

  public static String optional(Headers headers, String key) {
    Header header = headers.lastHeader(key);
    return header == null || header.value() == null
        ? null
        : new String(header.value(), StandardCharsets.UTF_8);
  }

  private static String required(Headers headers, String key) {
    String value = optional(headers, key);
    if (value == null || value.isBlank()) {
      throw new InvalidEventException("missing header " + key);
    }
    return value;
  }

  private static void put(Headers headers, String key, String value) {
    headers.remove(key);
    headers.add(key, value.getBytes(StandardCharsets.UTF_8));
  }
}
