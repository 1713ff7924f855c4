package io.smbcopilot.workflow.workflows;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.mutiny.Uni;
import io.smbcopilot.events.CloudEvent;
import io.smbcopilot.events.EventType;
import io.smbcopilot.events.notifications.NotificationRequested;
import io.smbcopilot.events.workflows.RunFinished;
import io.smbcopilot.jobs.Job;
import io.smbcopilot.jobs.JobQueue;
import io.smbcopilot.jobs.JobWorkers;
import io.smbcopilot.jobs.Jobs;
import io.smbcopilot.jobs.WorkerSlot;
import io.smbcopilot.outbox.Outbox;
import io.smbcopilot.workflow.domain.JsonColumns;
import io.smbcopilot.workflow.domain.StepRun;
import io.smbcopilot.workflow.domain.Workflow;
import io.smbcopilot.workflow.domain.WorkflowRun;
import io.smbcopilot.workflow.repository.StepRunRepository;
import io.smbcopilot.workflow.repository.WorkflowRunRepository;
import io.smbcopilot.workflow.repository.WorkflowVersionRepository;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Runs workflows durably, one step at a time, each step a job of {@code libs/jobs}' queue (leased:
 * a killed worker's step is claimed again by another). A step's result is kept in {@code step_run}
 * in the same transaction that queues the next step or ends the run, so a step that finished is
 * never run again, and one that did not is run again whole. This first engine runs the steps that
 * need no other service: {@code condition}, {@code wait} and {@code notify} in the app; the others
 * fail their run with a clear reason until their slices land (decision 0008).
 */
@ApplicationScoped
public class RunEngine implements JobWorkers.Handler {
  static final String QUEUE = "workflow-steps";
  static final String SOURCE = "/workflow-worker";

  @ConfigMapping(prefix = "copilot.workflows")
  public interface Config {
    /** Steps run at once by one worker process; 0: this process runs none. */
    @WithDefault("4")
    int workers();
  }

  /** A step to take: which run, which step, its place in the run. */
  record Next(UUID run, String step, int seq) {}

  /** A step that cannot be done: the run fails with the message. */
  static final class StepFailed extends RuntimeException {
    StepFailed(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * What a step did: its output, the step after it, how long before that one, and what it leaves in
   * the run's transaction (an event to the outbox).
   */
  record Outcome(Object output, String next, Duration delay, Uni<Void> effect) {}

  private final Config config;
  private final WorkflowRunRepository runs;
  private final StepRunRepository steps;
  private final WorkflowVersionRepository versions;
  private final WorkflowService workflows;
  private final Jobs jobs;
  private final Outbox outbox;
  private final ObjectMapper json;
  private final Pool pool;
  private final MeterRegistry registry;
  private final WorkerSlot workers = new WorkerSlot();

  public RunEngine(
      Config config,
      WorkflowRunRepository runs,
      StepRunRepository steps,
      WorkflowVersionRepository versions,
      WorkflowService workflows,
      Jobs jobs,
      Outbox outbox,
      ObjectMapper json,
      Pool pool,
      MeterRegistry registry) {
    this.config = config;
    this.runs = runs;
    this.steps = steps;
    this.versions = versions;
    this.workflows = workflows;
    this.jobs = jobs;
    this.outbox = outbox;
    this.json = json;
    this.pool = pool;
    this.registry = registry;
  }

  void start(@Observes StartupEvent event) {
    if (config.workers() <= 0) {
      return;
    }
    workers.start(
        new JobWorkers(
            new JobQueue(pool),
            new JobWorkers.Settings(
                QUEUE,
                config.workers(),
                Duration.ofMinutes(1),
                Duration.ofMillis(500),
                20,
                Duration.ofSeconds(1),
                Duration.ofMinutes(5),
                Duration.ofMinutes(10)),
            this,
            "workflows-" + UUID.randomUUID(),
            registry));
  }

  void stop(@Observes ShutdownEvent event) {
    workers.close();
  }

  /** A step was queued and committed: a worker takes it now rather than at its next poll. */
  public void wake() {
    workers.wake();
  }

  /**
   * A new run of the workflow's current version, its first step queued; in the caller's transaction
   * (call {@link #wake} after it commits).
   */
  public Uni<WorkflowRun> start(
      Workflow w, Definition definition, JsonNode trigger, String startedBy, String key) {
    WorkflowRun run = new WorkflowRun();
    run.id = UUID.randomUUID();
    run.tenantId = w.tenantId;
    run.workflowId = w.id;
    run.version = w.version;
    run.status = WorkflowRun.RUNNING;
    run.triggerData = JsonColumns.write(json, trigger == null ? json.createObjectNode() : trigger);
    run.startedBy = startedBy;
    run.idempotencyKey = key;
    run.createdAt = OffsetDateTime.now(ZoneOffset.UTC);
    return runs.persist(run)
        .chain(() -> queue(new Next(run.id, definition.steps().get(0).id(), 1), w.tenantId, null))
        .replaceWith(run);
  }

  private Uni<Void> queue(Next next, UUID tenantId, Duration delay) {
    return jobs.enqueue(
            QUEUE, tenantId, JsonColumns.write(json, next), delay == null ? Duration.ZERO : delay)
        .replaceWithVoid();
  }

  @Override
  public Uni<Void> handle(Job job) {
    Next next;
    try {
      next = json.readValue(job.payload(), Next.class);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("not a workflow step: " + job.payload(), e);
    }
    boolean queued =
        JobWorkers.awaitOnContext(
            () -> Panache.withTransaction(() -> advance(job.tenantId(), next)));
    if (queued) {
      wake();
    }
    return Uni.createFrom().voidItem();
  }

  /** The step's job will not run again (its workers kept dying): its run fails with the reason. */
  @Override
  public Uni<Void> dead(Job job, String reason) {
    Next next;
    try {
      next = json.readValue(job.payload(), Next.class);
    } catch (JsonProcessingException e) {
      return Uni.createFrom().voidItem();
    }
    JobWorkers.awaitOnContext(
        () ->
            Panache.withTransaction(
                () ->
                    runs.own(job.tenantId(), next.run())
                        .chain(
                            run ->
                                run == null || !WorkflowRun.RUNNING.equals(run.status)
                                    ? Uni.createFrom().voidItem()
                                    : finish(
                                        run,
                                        WorkflowRun.FAILED,
                                        "step " + next.step() + ": " + reason))));
    return Uni.createFrom().voidItem();
  }

  /** Takes the step unless it was taken; true when a next step was queued. */
  private Uni<Boolean> advance(UUID tenantId, Next next) {
    return runs.own(tenantId, next.run())
        .chain(
            run -> {
              if (run == null || !WorkflowRun.RUNNING.equals(run.status)) {
                return Uni.createFrom().item(false); // cancelled, or gone
              }
              return steps
                  .of(run.id)
                  .chain(
                      done -> {
                        if (done.stream().anyMatch(s -> s.seq == next.seq())) {
                          return Uni.createFrom().item(false); // taken before a crash: done
                        }
                        return versions
                            .of(tenantId, run.workflowId, run.version)
                            .chain(v -> take(run, workflows.definition(v), next, done));
                      });
            });
  }

  private Uni<Boolean> take(WorkflowRun run, Definition definition, Next next, List<StepRun> done) {
    List<Definition.Step> all = definition.steps();
    int at = -1;
    for (int i = 0; i < all.size(); i++) {
      if (all.get(i).id().equals(next.step())) {
        at = i;
      }
    }
    if (at < 0) {
      return fail(run, next, null, null, "the step " + next.step() + " is not in the workflow");
    }
    Definition.Step step = all.get(at);
    String following = at + 1 < all.size() ? all.get(at + 1).id() : Definition.END;
    Map<String, Object> variables = variables(run, done);
    Map<String, Object> inputs = new LinkedHashMap<>();
    Outcome outcome;
    try {
      if (step.forEach() != null) {
        throw new StepFailed("forEach is not available yet in this version of the engine");
      }
      if (step.inputs() != null) {
        step.inputs().forEach((name, value) -> inputs.put(name, input(value, variables)));
      }
      outcome = execute(run, step, next, inputs, variables, following);
    } catch (StepFailed | Expressions.Failed e) {
      return fail(run, next, step, inputs, "step " + step.id() + ": " + e.getMessage());
    }
    StepRun s = record(run, next, step, inputs, StepRun.SUCCEEDED);
    s.output = JsonColumns.write(json, Values.toJson(json, outcome.output()));
    return steps
        .persist(s)
        .chain(() -> outcome.effect())
        .chain(
            () -> {
              if (Definition.END.equals(outcome.next())) {
                return finish(run, WorkflowRun.SUCCEEDED, null).replaceWith(false);
              }
              return queue(
                      new Next(run.id, outcome.next(), next.seq() + 1),
                      run.tenantId,
                      outcome.delay())
                  .replaceWith(true);
            });
  }

  /** The step's work. */
  private Outcome execute(
      WorkflowRun run,
      Definition.Step step,
      Next next,
      Map<String, Object> inputs,
      Map<String, Object> variables,
      String following) {
    String after = step.next() == null ? following : step.next();
    Uni<Void> nothing = Uni.createFrom().voidItem();
    switch (step.type()) {
      case "condition" -> {
        Object value = evaluate(step.condition(), variables);
        if (!(value instanceof Boolean b)) {
          throw new StepFailed("its condition gave " + value + ", not true or false");
        }
        return new Outcome(Map.of("result", b), b ? step.then() : step.otherwise(), null, nothing);
      }
      case "wait" -> {
        Object duration = inputs.get("duration");
        Duration d;
        try {
          d = duration == null ? Duration.ZERO : Duration.parse(duration.toString());
        } catch (java.time.format.DateTimeParseException e) {
          throw new StepFailed("its duration " + duration + " is not an ISO-8601 duration");
        }
        return new Outcome(Map.of("waited", d.toString()), after, d, nothing);
      }
      case "notify" -> {
        String channel = String.valueOf(inputs.get("channel"));
        if (!"in-app".equals(channel)) {
          throw new StepFailed(
              "notify by " + channel + " is not available yet in this version of the engine");
        }
        Object to = inputs.getOrDefault("to", run.startedBy);
        String title = String.valueOf(inputs.get("title"));
        Object body = inputs.get("body");
        NotificationRequested told =
            new NotificationRequested(
                run.tenantId.toString(),
                String.valueOf(to),
                "workflow.message",
                title,
                body == null ? "" : String.valueOf(body),
                "/runs/" + run.id);
        Uni<Void> effect =
            outbox.append(
                CloudEvent.of(
                    EventType.NOTIFICATION_REQUESTED,
                    SOURCE,
                    run.tenantId.toString(),
                    "run/" + run.id + "/" + next.seq(),
                    told));
        return new Outcome(
            Map.of("channel", channel, "to", String.valueOf(to)), after, null, effect);
      }
      default ->
          throw new StepFailed(
              "a " + step.type() + " step is not available yet in this version of the engine");
    }
  }

  /** An input's value: the JSON as it is, or its expression's value. */
  private Object input(JsonNode value, Map<String, Object> variables) {
    if (value != null && value.isObject() && value.has("expr") && value.size() == 1) {
      return evaluate(value.get("expr").asText(), variables);
    }
    return Values.fromJson(value);
  }

  private static Object evaluate(String expression, Map<String, Object> variables) {
    try {
      return Expressions.evaluate(Expressions.compile(expression), variables);
    } catch (Expressions.Invalid e) {
      throw new StepFailed("its expression does not compile: " + e.getMessage());
    }
  }

  /** What expressions see: the trigger, the outputs of the steps taken, the run. */
  private Map<String, Object> variables(WorkflowRun run, List<StepRun> done) {
    Map<String, Object> outputs = new HashMap<>();
    for (StepRun s : done) {
      if (StepRun.SUCCEEDED.equals(s.status)) {
        outputs.put(s.stepId, Map.of("output", Values.fromJson(JsonColumns.read(json, s.output))));
      }
    }
    Map<String, Object> variables = new HashMap<>();
    variables.put("trigger", Values.fromJson(JsonColumns.read(json, run.triggerData)));
    variables.put("steps", outputs);
    variables.put(
        "run",
        Map.of(
            "id", run.id.toString(),
            "workflowId", run.workflowId.toString(),
            "startedBy", run.startedBy));
    variables.put("item", Values.NULL);
    return variables;
  }

  private StepRun record(
      WorkflowRun run, Next next, Definition.Step step, Map<String, Object> inputs, String status) {
    OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
    StepRun s = new StepRun();
    s.id = UUID.randomUUID();
    s.runId = run.id;
    s.tenantId = run.tenantId;
    s.seq = next.seq();
    s.stepId = next.step();
    s.type = step == null ? "unknown" : step.type();
    s.status = status;
    s.attempts = 1;
    s.input = inputs == null ? null : JsonColumns.write(json, Values.toJson(json, inputs));
    s.startedAt = now;
    s.finishedAt = now;
    return s;
  }

  /** The step failed for good: kept as failed, and the run fails with the reason. */
  private Uni<Boolean> fail(
      WorkflowRun run, Next next, Definition.Step step, Map<String, Object> inputs, String reason) {
    StepRun s = record(run, next, step, inputs, StepRun.FAILED);
    s.error = reason;
    return steps.persist(s).chain(() -> finish(run, WorkflowRun.FAILED, reason)).replaceWith(false);
  }

  private Uni<Void> finish(WorkflowRun run, String status, String error) {
    run.status = status;
    run.error = error;
    run.finishedAt = OffsetDateTime.now(ZoneOffset.UTC);
    return outbox.append(
        CloudEvent.of(
            EventType.RUN_FINISHED,
            SOURCE,
            run.tenantId.toString(),
            "run/" + run.id,
            new RunFinished(
                run.tenantId.toString(),
                run.workflowId.toString(),
                run.id.toString(),
                status,
                run.startedBy)));
  }
}
