package io.smbcopilot.notifications.mail;

import io.smbcopilot.events.CloudEvent;
import io.smbcopilot.events.EventType;
import io.smbcopilot.events.KafkaCloudEvents;
import io.smbcopilot.outbox.KafkaSettings;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;

/** Publishes platform events to the real Kafka, as the other services would. */
public final class Events {
  private Events() {}

  public static void send(String bootstrap, EventType type, UUID tenant, Record... payloads)
      throws Exception {
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(KafkaSettings.producer(bootstrap, "notifications-mail-test"))) {
      for (Record payload : payloads) {
        CloudEvent event =
            CloudEvent.of(type, "/test", tenant.toString(), "test/" + UUID.randomUUID(), payload);
        producer.send(KafkaCloudEvents.toRecord(type.topic(), event)).get();
      }
    }
  }
}
