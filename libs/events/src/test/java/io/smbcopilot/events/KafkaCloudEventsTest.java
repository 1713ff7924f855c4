package io.smbcopilot.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smbcopilot.events.identity.TenantCreated;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

class KafkaCloudEventsTest {

  private static ConsumerRecord<String, byte[]> consumed(ProducerRecord<String, byte[]> r) {
    return new ConsumerRecord<>(
        r.topic(),
        0,
        0L,
        0L,
        TimestampType.CREATE_TIME,
        0,
        0,
        r.key(),
        r.value(),
        new RecordHeaders(r.headers().toArray()),
        java.util.Optional.empty());
  }

  @Test
  void roundTripsAnEventInBinaryModeKeyedByTenant() {
    TenantCreated payload = new TenantCreated("t-1", "Acme", "u-1", "o@acme.test", "Olga");
    CloudEvent event =
        CloudEvent.of(EventType.TENANT_CREATED, "/auth-service", "t-1", "tenants/t-1", payload)
            .withTraceparent("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");

    ProducerRecord<String, byte[]> record = KafkaCloudEvents.toRecord(Topics.IDENTITY, event);

    assertThat(record.key()).isEqualTo("t-1");
    assertThat(new String(record.headers().lastHeader("ce_type").value(), StandardCharsets.UTF_8))
        .isEqualTo("io.smbcopilot.identity.tenant-created.v1");
    assertThat(
            new String(
                record.headers().lastHeader("ce_specversion").value(), StandardCharsets.UTF_8))
        .isEqualTo("1.0");
    assertThat(new String(record.value(), StandardCharsets.UTF_8)).contains("\"name\":\"Acme\"");

    CloudEvent read = KafkaCloudEvents.fromRecord(consumed(record));
    assertThat(read).isEqualTo(event);
    assertThat(read.dataAs(TenantCreated.class)).isEqualTo(payload);
  }

  @Test
  void rejectsRecordsThatAreNotEvents() {
    CloudEvent event =
        CloudEvent.of(
            EventType.TENANT_CREATED,
            "/auth-service",
            "t-1",
            null,
            new TenantCreated("t-1", "Acme", "u-1", "o@acme.test", "Olga"));
    ProducerRecord<String, byte[]> noId = KafkaCloudEvents.toRecord(Topics.IDENTITY, event);
    noId.headers().remove("ce_id");
    assertThatThrownBy(() -> KafkaCloudEvents.fromRecord(consumed(noId)))
        .isInstanceOf(InvalidEventException.class)
        .hasMessageContaining("ce_id");

    ProducerRecord<String, byte[]> notJson =
        new ProducerRecord<>(
            Topics.IDENTITY,
            null,
            "t-1",
            "{oops".getBytes(StandardCharsets.UTF_8),
            KafkaCloudEvents.toRecord(Topics.IDENTITY, event).headers());
    assertThatThrownBy(() -> KafkaCloudEvents.fromRecord(consumed(notJson)))
        .isInstanceOf(InvalidEventException.class)
        .hasMessageContaining("JSON");
  }

  @Test
  void refusesAPayloadThatDoesNotBelongToTheType() {
    assertThatThrownBy(
            () ->
                CloudEvent.of(
                    EventType.DOCUMENT_INDEXED,
                    "/x",
                    "t",
                    null,
                    new TenantCreated("t", "n", "u", "e", "d")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void catalogNamesAreUniqueVersionedAndOnKnownTopics() {
    Set<String> names = new HashSet<>();
    for (EventType type : EventType.values()) {
      assertThat(type.typeName()).matches("io\\.smbcopilot\\.[a-z]+\\.[a-z-]+\\.v[0-9]+");
      assertThat(names.add(type.typeName())).as(type.typeName()).isTrue();
      assertThat(Topics.ALL).contains(type.topic());
      assertThat(EventType.byName(type.typeName())).contains(type);
    }
    assertThat(Arrays.stream(EventType.values()).map(EventType::topic).distinct())
        .containsExactlyInAnyOrderElementsOf(Topics.ALL);
  }
}
