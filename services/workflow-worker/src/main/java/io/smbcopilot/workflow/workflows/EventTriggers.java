package io.smbcopilot.workflow.workflows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smallrye.mutiny.Uni;
import io.smbcopilot.events.CloudEvent;
import io.smbcopilot.workflow.domain.WorkflowTrigger;
import io.smbcopilot.workflow.repository.WorkflowRepository;
import io.smbcopilot.workflow.repository.WorkflowTriggerRepository;
import io.smbcopilot.workflow.repository.WorkflowVersionRepository;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;

/**
 * Starts the workflows a platform event triggers: the tenant's enabled workflows on that event type
 * whose filters match (the document's collection id, one of its tags, its media type), each once
 * per event (idempotency key {@code event/<event id>}), as its owner, with the event's data as
 * {@code trigger}. Events from before a workflow's trigger was set up start nothing.
 */
@ApplicationScoped
public class EventTriggers {
  private final WorkflowTriggerRepository triggers;
  private final WorkflowRepository workflows;
  private final WorkflowVersionRepository versions;
  private final WorkflowService service;
  private final RunEngine engine;

  public EventTriggers(
      WorkflowTriggerRepository triggers,
      WorkflowRepository workflows,
      WorkflowVersionRepository versions,
      WorkflowService service,
      RunEngine engine) {
    this.triggers = triggers;
    this.workflows = workflows;
    this.versions = versions;
    this.service = service;
    this.engine = engine;
  }

  /** In the inbox's transaction; the number of runs started (call {@link RunEngine#wake} after). */
  public Uni<Integer> onEvent(CloudEvent event) {
    UUID tenant = UUID.fromString(event.tenantId());
    return triggers
        .byEvent(tenant, event.type())
        .chain(
            found -> {
              Uni<Integer> started = Uni.createFrom().item(0);
              for (WorkflowTrigger t : found) {
                if (matches(t, event)) {
                  started = started.chain(n -> start(t, event).map(m -> n + m));
                }
              }
              return started;
            });
  }

  static boolean matches(WorkflowTrigger t, CloudEvent event) {
    if (event.time().isBefore(t.updatedAt)) {
      return false; // before the trigger was set up
    }
    JsonNode data = event.data();
    if (t.collection != null && !t.collection.equals(data.path("collectionId").asText(null))) {
      return false;
    }
    if (t.mediaType != null && !t.mediaType.equalsIgnoreCase(data.path("mediaType").asText(""))) {
      return false;
    }
    if (t.tag != null) {
      for (JsonNode tag : data.path("tags")) {
        if (t.tag.equalsIgnoreCase(tag.asText())) {
          return true;
        }
      }
      return false;
    }
    return true;
  }

  private Uni<Integer> start(WorkflowTrigger t, CloudEvent event) {
    String key = "event/" + event.id();
    return workflows
        .findById(t.workflowId)
        .chain(
            w -> {
              if (w == null || !w.enabled || w.deletedAt != null) {
                return Uni.createFrom().item(0);
              }
              return versions
                  .of(w.tenantId, w.id, w.version)
                  .chain(
                      v -> {
                        ObjectNode data = event.data().deepCopy();
                        data.putObject("event")
                            .put("id", event.id())
                            .put("type", event.type())
                            .put("time", event.time().toString());
                        return engine
                            .startOnce(w, service.definition(v), data, "event", w.ownerId, key)
                            .map(s -> s.fresh() ? 1 : 0);
                      });
            });
  }
}
