package io.smbcopilot.outbox;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.smbcopilot.events.Topics;
import java.util.Map;
import java.util.UUID;

/** Topics of InboxTest's channels, new for each run (the test stack keeps its broker's data). */
public class InboxTopicsResource implements QuarkusTestResourceLifecycleManager {
  @Override
  public Map<String, String> start() {
    String topic = "test.inbox." + UUID.randomUUID();
    String batches = "test.inbox-batches." + UUID.randomUUID();
    return Map.of(
        "mp.messaging.incoming.test-events.topic",
        topic,
        "mp.messaging.incoming.test-events.dead-letter-queue.topic",
        Topics.deadLetter(topic),
        "mp.messaging.incoming.test-batches.topic",
        batches,
        "mp.messaging.incoming.test-batches.dead-letter-queue.topic",
        Topics.deadLetter(batches));
  }

  @Override
  public void stop() {}
}
