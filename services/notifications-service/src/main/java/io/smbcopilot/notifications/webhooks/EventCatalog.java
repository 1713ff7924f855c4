package io.smbcopilot.notifications.webhooks;

import io.smbcopilot.events.EventType;
import io.smbcopilot.events.Topics;
import java.util.Arrays;
import java.util.List;

/**
 * The event types partners may receive: the platform's events, but the internal requests of the
 * notifications topic (an invitation's mail carries its sealed token) and a tenant's erasure.
 */
public final class EventCatalog {
  /** The type of the event sent by {@code POST /api/v1/webhooks/{id}/test}. */
  public static final String TEST = "io.smbcopilot.webhook.test.v1";

  /** Deliverable types, the test event's among them. */
  public static final List<String> TYPES =
      java.util.stream.Stream.concat(
              Arrays.stream(EventType.values())
                  .filter(t -> !t.topic().equals(Topics.NOTIFICATIONS))
                  // the tenant is gone, its endpoints with it
                  .filter(t -> t != EventType.TENANT_ERASED)
                  // it names the person whose id it replaces: not for other systems
                  .filter(t -> t != EventType.MEMBER_PSEUDONYMISED)
                  .map(EventType::typeName),
              java.util.stream.Stream.of(TEST))
          .toList();

  private EventCatalog() {}
}
