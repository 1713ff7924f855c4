package io.smbcopilot.events;

import java.util.List;

/** One Kafka topic per domain; records are keyed by tenant id. */
public final class Topics {
  public static final String IDENTITY = "copilot.identity.v1";
  public static final String DOCUMENTS = "copilot.documents.v1";
  public static final String WORKFLOWS = "copilot.workflows.v1";
  public static final String NOTIFICATIONS = "copilot.notifications.v1";

  public static final List<String> ALL = List.of(IDENTITY, DOCUMENTS, WORKFLOWS, NOTIFICATIONS);

  /** Suffix of the dead-letter topic that a consumer group of a topic writes to. */
  public static final String DEAD_LETTER_SUFFIX = ".dlq";

  private Topics() {}

  public static String deadLetter(String topic) {
    return topic + DEAD_LETTER_SUFFIX;
  }
}
