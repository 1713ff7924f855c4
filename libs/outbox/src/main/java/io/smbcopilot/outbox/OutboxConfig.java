package io.smbcopilot.outbox;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Settings of the outbox relay and topic set-up ({@code copilot.outbox.*}). */
@ConfigMapping(prefix = "copilot.outbox")
public interface OutboxConfig {

  /** Run the relay in this process. */
  @WithDefault("true")
  boolean relayEnabled();

  /** Rows published per transaction. */
  @WithDefault("200")
  int batchSize();

  /** Pause between polls when the outbox is empty. */
  @WithDefault("200ms")
  Duration pollInterval();

  /** Longest pause between attempts while Kafka or Postgres is unreachable. */
  @WithDefault("5s")
  Duration maxBackoff();

  /** Create the platform topics and their dead-letter topics at start when missing. */
  @WithDefault("true")
  boolean createTopics();

  /** Partitions of topics created at start. */
  @WithDefault("3")
  int topicPartitions();

  /** Replication factor of topics created at start. */
  @WithDefault("1")
  short topicReplicationFactor();
}
