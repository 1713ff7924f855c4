package io.smbcopilot.outbox;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.smbcopilot.events.Topics;
import java.util.Map;
import java.util.UUID;

/** Topics of InboxTest's channel, new for each run (the test stack keeps its broker's data). */
public class InboxTopicsResource implements QuarkusTestResourceLifecycleManager {
  @Override
  public Map<String, String> start() {
    String topic = "test.inbox." + UUID.randomUUID();
    return Map.of(
        "mp.messaging.incoming.test-events.topic",
        topic,
        "mp.messaging.incoming.test-events.dead-letter-queue.topic",
        Topics.deadLetter(topic));
  }

  @Override
  public void stop() {}
}
