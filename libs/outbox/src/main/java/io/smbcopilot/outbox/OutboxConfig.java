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

  /**
   * Longest pause between polls when the outbox is empty. With {@link #wakeOnInsert()} the relay
   * publishes as soon as a row is committed; the poll only catches a missed notification.
   */
  @WithDefault("1s")
  Duration pollInterval();

  /** Listen for the outbox trigger's notification and publish at once (PostgreSQL NOTIFY). */
  @WithDefault("true")
  boolean wakeOnInsert();

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
