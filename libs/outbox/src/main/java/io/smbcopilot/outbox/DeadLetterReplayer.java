package io.smbcopilot.outbox;

import io.smallrye.reactive.messaging.kafka.fault.KafkaDeadLetterQueue;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Puts dead-lettered records back on the topic they came from, with their original key, value and
 * event headers, once the cause is fixed. Its own consumer group remembers what was replayed.
 */
public final class DeadLetterReplayer {
  /** Headers that the Kafka connector's dead-letter strategy adds. */
  private static final String DEAD_LETTER_PREFIX = "dead-letter-";

  /** Where a record came from, in dead-letter records written before the connector's strategy. */
  static final String LEGACY_ORIGINAL_TOPIC = "dlq_original_topic";

  private DeadLetterReplayer() {}

  /**
   * Replays the records of {@code deadLetterTopic} that were there when the call started and were
   * not replayed before. Records dead-lettered again during the replay wait for the next one.
   *
   * @return the number of records put back
   */
  public static int replay(String bootstrapServers, String deadLetterTopic, Duration timeout)
      throws Exception {
    Map<String, Object> consumerConfig =
        KafkaSettings.consumer(bootstrapServers, deadLetterTopic + "-replayer");
    int replayed = 0;
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(consumerConfig);
        KafkaProducer<String, byte[]> producer =
            new KafkaProducer<>(
                KafkaSettings.producer(bootstrapServers, deadLetterTopic + "-replayer"))) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(deadLetterTopic, timeout).stream()
              .map(p -> new TopicPartition(p.topic(), p.partition()))
              .toList();
      consumer.assign(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
      Map<TopicPartition, OffsetAndMetadata> committed =
          consumer.committed(new java.util.HashSet<>(partitions), timeout);
      for (TopicPartition tp : partitions) {
        OffsetAndMetadata c = committed.get(tp);
        if (c != null) {
          consumer.seek(tp, c.offset());
        } else {
          consumer.seekToBeginning(List.of(tp));
        }
      }
      long deadline = System.nanoTime() + timeout.toNanos();
      while (System.nanoTime() < deadline && !reached(consumer, end)) {
        ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(250));
        for (ConsumerRecord<String, byte[]> record : records) {
          TopicPartition tp = new TopicPartition(record.topic(), record.partition());
          if (record.offset() >= end.get(tp)) {
            consumer.seek(tp, end.get(tp));
            continue;
          }
          Header original = originalTopic(record);
          if (original != null) {
            RecordHeaders headers = new RecordHeaders();
            for (Header h : record.headers()) {
              if (!h.key().startsWith("dlq_") && !h.key().startsWith(DEAD_LETTER_PREFIX)) {
                headers.add(h);
              }
            }
            String topic = new String(original.value(), StandardCharsets.UTF_8);
            producer
                .send(new ProducerRecord<>(topic, null, record.key(), record.value(), headers))
                .get(30, TimeUnit.SECONDS);
            replayed++;
          }
          consumer.commitSync(Map.of(tp, new OffsetAndMetadata(record.offset() + 1)));
        }
      }
    }
    return replayed;
  }

  /** Where the record came from: the connector's header, or the one older versions wrote. */
  private static Header originalTopic(ConsumerRecord<String, byte[]> record) {
    Header header = record.headers().lastHeader(KafkaDeadLetterQueue.DEAD_LETTER_TOPIC);
    return header != null ? header : record.headers().lastHeader(LEGACY_ORIGINAL_TOPIC);
  }

  private static boolean reached(
      KafkaConsumer<String, byte[]> consumer, Map<TopicPartition, Long> end) {
    for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
      if (consumer.position(e.getKey()) < e.getValue()) {
        return false;
      }
    }
    return true;
  }
}
