package io.smbcopilot.workflow.workflows;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.smbcopilot.workflow.domain.WorkflowTrigger;
import io.smbcopilot.workflow.repository.WorkflowRepository;
import io.smbcopilot.workflow.repository.WorkflowTriggerRepository;
import io.smbcopilot.workflow.repository.WorkflowVersionRepository;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Fires schedule triggers. Every tick (each replica, {@code copilot.workflows.schedules.tick}) the
 * due schedules are claimed with {@code FOR UPDATE SKIP LOCKED}; for each, the fire times passed
 * since its last start runs (missed-run policy {@code skip}: only those within the grace period;
 * {@code catch-up}: each, at most {@value #MAX_CATCH_UP}), and its next fire time is set, in one
 * transaction. A fire time's run carries the idempotency key {@code schedule/<time>}: one run per
 * due time, whatever the replicas do.
 */
@ApplicationScoped
public class ScheduleTicker {
  static final int MAX_CATCH_UP = 100;
  private static final int BATCH = 50;
  private static final Logger LOG = Logger.getLogger(ScheduleTicker.class);

  private final WorkflowTriggerRepository triggers;
  private final WorkflowRepository workflows;
  private final WorkflowVersionRepository versions;
  private final WorkflowService service;
  private final RunEngine engine;
  private final WorkflowClock clock;
  private final RunEngine.Config config;
  private final ObjectMapper json;

  public ScheduleTicker(
      WorkflowTriggerRepository triggers,
      WorkflowRepository workflows,
      WorkflowVersionRepository versions,
      WorkflowService service,
      RunEngine engine,
      WorkflowClock clock,
      RunEngine.Config config,
      ObjectMapper json) {
    this.triggers = triggers;
    this.workflows = workflows;
    this.versions = versions;
    this.service = service;
    this.engine = engine;
    this.clock = clock;
    this.config = config;
    this.json = json;
  }

  @Scheduled(
      every = "${copilot.workflows.schedules.tick:10s}",
      delayed = "5s",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  Uni<Void> scheduled() {
    return tick(clock.now())
        .onFailure()
        .invoke(e -> LOG.warnf("schedules: a tick failed, the next one tries again: %s", e))
        .onFailure()
        .recoverWithNull()
        .replaceWithVoid();
  }

  /** Fires what is due at {@code now}; the number of runs started. */
  public Uni<Integer> tick(Instant now) {
    return Panache.withTransaction(
            () ->
                triggers
                    .due(now.atOffset(ZoneOffset.UTC), BATCH)
                    .chain(
                        due -> {
                          Uni<Integer> started = Uni.createFrom().item(0);
                          for (WorkflowTrigger t : due) {
                            started = started.chain(n -> fire(t, now).map(m -> n + m));
                          }
                          return started;
                        }))
        .invoke(
            n -> {
              if (n > 0) {
                engine.wake();
              }
            });
  }

  private Uni<Integer> fire(WorkflowTrigger t, Instant now) {
    return workflows
        .findById(t.workflowId)
        .chain(
            w -> {
              if (w == null || !w.enabled || w.deletedAt != null) {
                return triggers.delete(t).replaceWith(0); // a row left behind
              }
              return versions
                  .of(w.tenantId, w.id, w.version)
                  .chain(
                      v -> {
                        Definition definition = service.definition(v);
                        Definition.Trigger trigger = definition.trigger();
                        if (!"schedule".equals(trigger.type())) {
                          return triggers.delete(t).replaceWith(0);
                        }
                        List<Instant> due = new ArrayList<>();
                        for (Instant at = t.nextFireAt.toInstant();
                            !at.isAfter(now) && due.size() <= 10_000;
                            at = Schedules.next(trigger, at)) {
                          due.add(at);
                        }
                        boolean catchUp = "catch-up".equals(trigger.missed());
                        List<Instant> fire;
                        if (catchUp) {
                          // each missed time, in order; past the cap, the latest ones
                          fire = due.subList(Math.max(0, due.size() - MAX_CATCH_UP), due.size());
                        } else {
                          // the latest due time, unless it too is past the grace period
                          Instant latest = due.get(due.size() - 1);
                          boolean late =
                              Duration.between(latest, now).compareTo(config.schedules().grace())
                                  > 0;
                          fire = late ? List.of() : List.of(latest);
                        }
                        t.skipped += due.size() - fire.size();
                        if (due.size() > fire.size()) {
                          LOG.infof(
                              "schedules: workflow %s skipped %d fire times missed (policy %s)",
                              w.id, due.size() - fire.size(), catchUp ? "catch-up" : "skip");
                        }
                        t.nextFireAt = Schedules.next(trigger, now).atOffset(ZoneOffset.UTC);
                        Uni<Integer> started = Uni.createFrom().item(0);
                        for (Instant at : fire) {
                          String key = "schedule/" + at;
                          ObjectNode data = json.createObjectNode();
                          data.put(
                              "scheduledFor",
                              at.atZone(Schedules.zone(trigger)).toOffsetDateTime().toString());
                          data.put("firedAt", now.toString());
                          started =
                              started.chain(
                                  n ->
                                      engine
                                          .startOnce(
                                              w, definition, data, "schedule", w.ownerId, key)
                                          .map(s -> s.fresh() ? n + 1 : n));
                        }
                        return started;
                      });
            });
  }
}
