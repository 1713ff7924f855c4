package io.smbcopilot.workflow.workflows;

import io.smallrye.mutiny.Uni;
import io.smbcopilot.workflow.domain.Workflow;
import io.smbcopilot.workflow.domain.WorkflowTrigger;
import io.smbcopilot.workflow.repository.WorkflowTriggerRepository;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * Keeps {@code workflow_trigger} in step with each workflow: a row while it is enabled, not
 * deleted, and its current version has a schedule, event or webhook trigger; none otherwise. A
 * schedule's next fire time is computed when its version changes or it is enabled again (fire times
 * passed while it was disabled do not fire).
 */
@ApplicationScoped
public class Triggers {
  private final WorkflowTriggerRepository triggers;
  private final WorkflowClock clock;

  public Triggers(WorkflowTriggerRepository triggers, WorkflowClock clock) {
    this.triggers = triggers;
    this.clock = clock;
  }

  /** After the workflow changed, in its transaction. */
  public Uni<Void> sync(Workflow w, Definition definition) {
    Definition.Trigger trigger = definition.trigger();
    boolean wanted =
        w.enabled && w.deletedAt == null && trigger != null && !"manual".equals(trigger.type());
    return triggers
        .findById(w.id)
        .chain(
            row -> {
              if (!wanted) {
                return row == null ? Uni.createFrom().voidItem() : triggers.delete(row);
              }
              WorkflowTrigger t = row != null ? row : new WorkflowTrigger();
              boolean sameSchedule =
                  row != null
                      && row.version == w.version
                      && "schedule".equals(row.type)
                      && row.nextFireAt != null;
              t.workflowId = w.id;
              t.tenantId = w.tenantId;
              t.type = trigger.type();
              t.eventType = trigger.event();
              t.collection = trigger.collection();
              t.tag = trigger.tag();
              t.mediaType = trigger.mediaType();
              if ("schedule".equals(trigger.type())) {
                if (!sameSchedule) {
                  t.nextFireAt = Schedules.next(trigger, clock.now()).atOffset(ZoneOffset.UTC);
                }
              } else {
                t.nextFireAt = null;
              }
              t.version = w.version;
              t.updatedAt = OffsetDateTime.now(ZoneOffset.UTC);
              return row == null
                  ? triggers.persist(t).replaceWithVoid()
                  : Uni.createFrom().voidItem();
            });
  }
}
