package io.smbcopilot.workflow.workflows;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.mutiny.Uni;
import io.smbcopilot.events.CloudEvent;
import io.smbcopilot.events.EventType;
import io.smbcopilot.events.workflows.RunFinished;
import io.smbcopilot.events.workflows.RunStarted;
import io.smbcopilot.jobs.Job;
import io.smbcopilot.jobs.JobQueue;
import io.smbcopilot.jobs.JobWorkers;
import io.smbcopilot.jobs.Jobs;
import io.smbcopilot.jobs.WorkerSlot;
import io.smbcopilot.outbox.Outbox;
import io.smbcopilot.problem.ProblemException;
import io.smbcopilot.problem.ProblemType;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jboss.logging.Logger;

/**
 * Runs workflows durably, one step at a time, each step a job of {@code libs/jobs}' queue (leased:
 * a killed worker's step is claimed again by another). A step is taken in three parts: its inputs
 * are read in a short transaction; its work is done outside any (an http call may take a while,
 * bounded by the step's timeout); its result is kept in {@code step_run} in the transaction that
 * also applies its effect (an event to the outbox) and queues the next step, or its next attempt
 * after the retry policy's pause, or ends the run. So a step that finished is never run again, and
 * one that did not is run again whole; an outside effect (an http call) carries the step run's
 * idempotency key, the same on every attempt (decision 0008). Local steps (condition, wait, notify:
 * instant, their only effect an event in the outbox) are taken in the transaction that read them,
 * with the local steps that follow them, and kept in it.
 */
@ApplicationScoped
public class RunEngine implements JobWorkers.Handler {
  static final String QUEUE = "workflow-steps";
  static final String SOURCE = "/workflow-worker";
  private static final Logger LOG = Logger.getLogger(RunEngine.class);
  private static final int MAX_ERROR = 2000;

  @ConfigMapping(prefix = "copilot.workflows")
  public interface Config {
    /** Steps run at once by one worker process; 0: this process runs none. */
    @WithDefault("4")
    int workers();

    /**
     * Most steps of one tenant running at once, across every worker process; by default one less
     * than {@code workers} (at least 1), so that another tenant's run always finds a worker free. A
     * tenant's further steps wait, ahead of nobody (the fair claim of libs/jobs).
     */
    java.util.Optional<Integer> tenantConcurrency();

    /**
     * How long a worker's claim on a step lasts unless renewed (every third of it, while the step
     * works): a worker that dies leaves its steps to another after at most this long.
     */
    @WithDefault("PT1M")
    Duration lease();

    /**
     * The secret of the worker's Keycloak client (service account {@code workflow-worker}), with
     * which it asks the gateway for a workflow owner's token (read by quarkus-oidc-client).
     */
    java.util.Optional<String> clientSecret();

    /** The http step. */
    Http http();

    /** Schedule triggers. */
    Schedules schedules();

    interface Schedules {
      /** How often due schedules are looked for (each replica; a due time fires once). */
      @WithDefault("10s")
      String tick();

      /**
       * Under the skip policy, how late a fire time may still start its run; older missed times are
       * skipped.
       */
      @WithDefault("PT5M")
      Duration grace();
    }

    interface Http {
      /**
       * Hosts a step may call although they are internal (in-cluster, test receivers), over http
       * too.
       */
      java.util.Optional<List<String>> allowedHosts();

      /** The longest answer an http step reads, in bytes. */
      @WithDefault("1048576")
      long maxResponseBytes();
    }
  }

  /**
   * A step to take: which run, which step, its place in the run; or, {@code timeout}, the end of an
   * approval's wait.
   */
  record Next(UUID run, String step, int seq, boolean timeout) {
    Next(UUID run, String step, int seq) {
      this(run, step, seq, false);
    }
  }

  /**
   * A step ready to be worked on, or the reason it cannot be; with the run's version and the steps
   * taken before it, which the step after it needs when it is taken at once ({@link #inline}).
   */
  record Prepared(
      Next next,
      StepWork.Task task,
      int attempt,
      String following,
      StepError refused,
      Definition definition,
      List<StepRun> taken) {}

  /** One attempt of a step: what it was, when it began, its outcome or its error. */
  private record Attempted(
      Prepared prepared, OffsetDateTime started, StepWork.Outcome outcome, StepError error) {}

  /**
   * The step types whose work is instant and whose only effect goes into the transaction that keeps
   * their result (the outbox): steps of these types that follow one another are taken in one go by
   * one worker and kept in one transaction. A worker that dies before that commit leaves nothing
   * done, and the first of them is claimed again; nothing outside saw them.
   */
  private static final java.util.Set<String> LOCAL =
      java.util.Set.of("condition", "wait", "notify");

  /** Most steps taken in one go; the rest is queued, so a looping run lets others in. */
  static final int MAX_IN_ONE_GO = 16;

  private final Config config;
  private final WorkflowRunRepository runs;
  private final StepRunRepository steps;
  private final WorkflowVersionRepository versions;
  private final WorkflowService workflows;
  private final io.smbcopilot.workflow.repository.DirectoryRepository directory;
  private final StepWork work;
  private final Jobs jobs;
  private final Outbox outbox;
  private final ObjectMapper json;
  private final Pool pool;
  private final MeterRegistry registry;
  private final io.smbcopilot.workflow.copilot.CopilotMetrics metrics;
  private final WorkerSlot workers = new WorkerSlot();
  private final ExecutorService attempts = Executors.newVirtualThreadPerTaskExecutor();

  public RunEngine(
      Config config,
      WorkflowRunRepository runs,
      StepRunRepository steps,
      WorkflowVersionRepository versions,
      WorkflowService workflows,
      io.smbcopilot.workflow.repository.DirectoryRepository directory,
      StepWork work,
      Jobs jobs,
      Outbox outbox,
      ObjectMapper json,
      Pool pool,
      MeterRegistry registry,
      io.smbcopilot.workflow.copilot.CopilotMetrics metrics) {
    this.metrics = metrics;
    this.config = config;
    this.runs = runs;
    this.steps = steps;
    this.versions = versions;
    this.workflows = workflows;
    this.directory = directory;
    this.work = work;
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
                config.lease(),
                Duration.ofMillis(500),
                20,
                Duration.ofSeconds(1),
                Duration.ofMinutes(5),
                DefinitionValidator.MAX_STEP_TIMEOUT.plusMinutes(5),
                config.tenantConcurrency().orElse(Math.max(1, config.workers() - 1))),
            this,
            "workflows-" + UUID.randomUUID(),
            registry));
  }

  void stop(@Observes ShutdownEvent event) {
    workers.close();
    attempts.shutdownNow();
  }

  /** A step was queued and committed: a worker takes it now rather than at its next poll. */
  public void wake() {
    workers.wake();
  }

  /** After a start committed: wakes a worker when the start queued a step. */
  public void wakeIfQueued(Started started) {
    if (started.queued()) {
      wake();
    }
  }

  /**
   * A new run of the workflow's current version, its start told (outbox) and its first step queued;
   * in the caller's transaction (call {@link #wake} after it commits when {@code queued}). A first
   * step that is local (condition, wait, notify) is taken at once, in this transaction, with the
   * local steps after it ({@link #eagerly}): a run of only such steps has ended when this commits.
   */
  public Uni<Started> start(
      Workflow w,
      Definition definition,
      JsonNode trigger,
      String triggeredBy,
      String startedBy,
      String key) {
    WorkflowRun run = new WorkflowRun();
    run.id = UUID.randomUUID();
    run.tenantId = w.tenantId;
    run.workflowId = w.id;
    run.version = w.version;
    run.status = WorkflowRun.RUNNING;
    run.triggerData = JsonColumns.write(json, trigger == null ? json.createObjectNode() : trigger);
    run.startedBy = startedBy;
    run.triggerType = triggeredBy;
    run.idempotencyKey = key;
    run.createdAt = OffsetDateTime.now(ZoneOffset.UTC);
    Next first = new Next(run.id, definition.steps().get(0).id(), 1);
    // The run is persisted last, in the state its first steps left it in: one insert, not an
    // insert and an update (its step results' reference to it is checked at commit, V14).
    return Uni.createFrom()
        .voidItem()
        .chain(
            () ->
                outbox.append(
                    CloudEvent.of(
                        EventType.RUN_STARTED,
                        SOURCE,
                        run.tenantId.toString(),
                        "run/" + run.id,
                        new RunStarted(
                            run.tenantId.toString(),
                            run.workflowId.toString(),
                            run.id.toString(),
                            run.version,
                            triggeredBy,
                            startedBy))))
        .chain(
            () ->
                LOCAL.contains(definition.steps().get(0).type())
                    ? eagerly(run, first)
                    : queue(first, w.tenantId, null).replaceWith(true))
        .call(() -> runs.persist(run))
        .map(queued -> new Started(run, true, queued));
  }

  /**
   * The run's first step, local, and the local steps after it, taken at once in the transaction
   * that starts the run, as a worker would take them from the queue ({@link #handle}): the owner
   * checked, each step's result kept, what follows queued or the run ended. Starting a run so costs
   * no job, no claim and no second transaction. A start that fails leaves none of it; the steps are
   * instant (an expression, a duration, an event in the outbox) and at most {@link #MAX_IN_ONE_GO}.
   * True when a step was queued.
   */
  private Uni<Boolean> eagerly(WorkflowRun run, Next first) {
    return prepared(run, first, List.of(), null, 1).chain(this::takeHere);
  }

  /**
   * A run and whether this call started it ({@code fresh}) or its key had started it before; {@code
   * queued}: a step of it was queued (a worker should look).
   */
  public record Started(WorkflowRun run, boolean fresh, boolean queued) {}

  /**
   * The run this idempotency key started before, or a new one ({@link #start}); in the caller's
   * transaction.
   */
  public Uni<Started> startOnce(
      Workflow w,
      Definition definition,
      JsonNode trigger,
      String triggeredBy,
      String startedBy,
      String key) {
    Uni<WorkflowRun> before =
        key == null ? Uni.createFrom().nullItem() : runs.byKey(w.tenantId, w.id, key);
    return before.chain(
        earlier ->
            earlier != null
                ? Uni.createFrom().item(new Started(earlier, false, false))
                : start(w, definition, trigger, triggeredBy, startedBy, key));
  }

  /** Cancels a running run: its queued steps are not taken; in the caller's transaction. */
  public Uni<WorkflowRun> cancel(UUID tenantId, UUID id, String by) {
    return lockedIn(
            tenantId,
            id,
            List.of(WorkflowRun.RUNNING, WorkflowRun.WAITING),
            "only a running or waiting run can be cancelled")
        .chain(run -> finish(run, WorkflowRun.CANCELLED, "cancelled by " + by).replaceWith(run));
  }

  /**
   * The tenant's run, locked until the transaction ends: a 404 problem when there is none, a 409
   * one when its status is not one of {@code statuses}.
   */
  private Uni<WorkflowRun> lockedIn(
      UUID tenantId, UUID id, List<String> statuses, String otherwise) {
    return runs.locked(tenantId, id)
        .onItem()
        .ifNull()
        .failWith(() -> ProblemException.notFound("run " + id))
        .invoke(
            run -> {
              if (!statuses.contains(run.status)) {
                throw new ProblemException(
                    ProblemType.CONFLICT, "the run " + id + " is " + run.status + ": " + otherwise);
              }
            });
  }

  /**
   * Resumes a failed run from the step that failed it, with that step's whole retry policy again;
   * the steps before it keep their results. In the caller's transaction ({@link #wake} after).
   */
  public Uni<WorkflowRun> resume(UUID tenantId, UUID id) {
    return lockedIn(tenantId, id, List.of(WorkflowRun.FAILED), "only a failed run can be retried")
        .chain(
            run -> {
              return steps
                  .failed(run.id)
                  .chain(
                      failed -> {
                        if (failed == null) {
                          throw new ProblemException(
                              ProblemType.CONFLICT,
                              "the run " + id + " has no failed step to resume from");
                        }
                        failed.status = StepRun.RETRYING;
                        failed.retryBase = failed.attempts;
                        failed.nextAttemptAt = OffsetDateTime.now(ZoneOffset.UTC);
                        run.status = WorkflowRun.RUNNING;
                        run.error = null;
                        run.finishedAt = null;
                        return queue(new Next(run.id, failed.stepId, failed.seq), tenantId, null)
                            .replaceWith(run);
                      });
            });
  }

  private Uni<Void> queue(Next next, UUID tenantId, Duration delay) {
    if (delay != null && delay.isPositive()) {
      // a retry or a wait that is due soon: a worker looks then (the commit comes first; were it
      // late, the poll finds the step)
      workers.wakeAfter(delay);
    }
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
    if (next.timeout()) {
      if (JobWorkers.awaitOnContext(
          () -> Panache.withTransaction(() -> timedOut(job.tenantId(), next)))) {
        wake();
      }
      return Uni.createFrom().voidItem();
    }
    // The step is read with its run locked. A local step (and the local ones after it) is taken
    // there and then and kept in the same transaction; any other is worked on outside of it.
    Go go =
        JobWorkers.awaitOnContext(
            () ->
                Panache.withTransaction(
                    () ->
                        prepare(job.tenantId(), next, job.attempts())
                            .chain(
                                p -> {
                                  if (p == null) {
                                    return Uni.createFrom().item(new Go(null, false));
                                  }
                                  if (p.refused() != null
                                      || !LOCAL.contains(p.task().step().type())) {
                                    return Uni.createFrom().item(new Go(p, false));
                                  }
                                  return takeHere(p).map(queued -> new Go(null, queued));
                                })));
    Prepared prepared = go.outside();
    boolean queued = go.queued();
    if (prepared != null) {
      List<Attempted> taken = inOneGo(prepared, this::attempt);
      queued = JobWorkers.awaitOnContext(() -> Panache.withTransaction(() -> settle(taken)));
    }
    if (queued) {
      wake();
    }
    return Uni.createFrom().voidItem(); // done, or cancelled, gone, taken before a crash
  }

  /**
   * What the transaction that read a step did: took it and the local ones after it, and {@code
   * queued} a step; or left it to be worked on {@code outside} of it.
   */
  private record Go(Prepared outside, boolean queued) {}

  /** The step and, while they are local and due now, the steps after it, each attempted once. */
  private List<Attempted> inOneGo(
      Prepared first, java.util.function.Function<StepWork.Task, StepWork.Outcome> attempter) {
    List<Attempted> taken = new java.util.ArrayList<>();
    for (Prepared p = first; p != null; ) {
      OffsetDateTime started = OffsetDateTime.now(ZoneOffset.UTC);
      StepWork.Outcome outcome = null;
      StepError error = p.refused();
      if (error == null) {
        try {
          outcome = attempter.apply(p.task());
        } catch (StepError e) {
          error = e;
        }
      }
      taken.add(new Attempted(p, started, outcome, error));
      p = error == null && taken.size() < MAX_IN_ONE_GO ? inline(p, outcome) : null;
    }
    return taken;
  }

  /** The row of an earlier attempt of the step (a retry, a resumed run), or null. */
  private static StepRun rowOf(Prepared p) {
    for (StepRun s : p.taken()) {
      if (s.seq == p.next().seq()) {
        return s;
      }
    }
    return null;
  }

  /**
   * One attempt of a local step, on the calling thread: its work is instant (an expression, a
   * duration, an event built), so no thread of its own and no timeout.
   */
  private StepWork.Outcome attemptHere(StepWork.Task task) {
    try {
      return work.run(task, StepWork.timeout(task.step()));
    } catch (StepError e) {
      throw e;
    } catch (RuntimeException e) {
      LOG.warnf(e, "workflow step %s of run %s failed", task.step().id(), task.run().id);
      throw new StepError("internal", message(e), true, null);
    }
  }

  /** One attempt of the step's work, on a thread of its own, bounded by the step's timeout. */
  private StepWork.Outcome attempt(StepWork.Task task) {
    Duration timeout = StepWork.timeout(task.step());
    CompletableFuture<StepWork.Outcome> running =
        CompletableFuture.supplyAsync(() -> work.run(task, timeout), attempts);
    try {
      return running.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      running.cancel(true);
      throw new StepError(
          StepError.TIMEOUT, "the step took longer than its timeout " + timeout, true, null);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running.cancel(true);
      throw new IllegalStateException("stopping", e); // the job is claimed again
    } catch (ExecutionException e) {
      if (e.getCause() instanceof StepError s) {
        throw s;
      }
      LOG.warnf(e.getCause(), "workflow step %s of run %s failed", task.step().id(), task.run().id);
      throw new StepError("internal", message(e.getCause()), true, null);
    }
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
                    runs.locked(job.tenantId(), next.run())
                        .chain(
                            run ->
                                run == null || !WorkflowRun.RUNNING.equals(run.status)
                                    ? Uni.createFrom().voidItem()
                                    : steps
                                        .at(run.id, next.seq())
                                        .chain(
                                            row -> {
                                              StepRun s =
                                                  row != null
                                                      ? row
                                                      : row(run, next, "unknown", null, null);
                                              s.status = StepRun.FAILED;
                                              s.error = reason;
                                              s.errorCode = "worker";
                                              s.finishedAt = OffsetDateTime.now(ZoneOffset.UTC);
                                              return (row == null
                                                      ? steps.persist(s).replaceWithVoid()
                                                      : Uni.createFrom().voidItem())
                                                  .chain(
                                                      () ->
                                                          finish(
                                                              run,
                                                              WorkflowRun.FAILED,
                                                              "step "
                                                                  + next.step()
                                                                  + ": "
                                                                  + reason));
                                            }))));
    return Uni.createFrom().voidItem();
  }

  /**
   * The step's task, read with its run locked (until the caller's transaction ends), unless the run
   * does not run or the step was settled; null then. {@code claims}: how often its job was claimed,
   * this time included (more than once when a worker died during an attempt, which then counts
   * too).
   */
  private Uni<Prepared> prepare(UUID tenantId, Next next, int claims) {
    return runs.locked(tenantId, next.run())
        .chain(
            run -> {
              if (run == null || !WorkflowRun.RUNNING.equals(run.status)) {
                return Uni.createFrom().nullItem();
              }
              return steps
                  .of(run.id)
                  .chain(
                      taken -> {
                        StepRun row =
                            taken.stream()
                                .filter(s -> s.seq == next.seq())
                                .findFirst()
                                .orElse(null);
                        if (row != null && !StepRun.RETRYING.equals(row.status)) {
                          return Uni.createFrom().nullItem();
                        }
                        return prepared(run, next, taken, row, claims);
                      });
            });
  }

  /**
   * The step's task from the run's version (cached), refused when the workflow's owner was removed
   * from the tenant: for a step read from the queue and for a run's first step taken at its start.
   */
  private Uni<Prepared> prepared(
      WorkflowRun run, Next next, List<StepRun> taken, StepRun row, int claims) {
    return version(run.tenantId, run.workflowId, run.version)
        .chain(
            v ->
                directory
                    .removed(run.tenantId, v.createdBy())
                    .map(
                        removed ->
                            ownerless(
                                prepared(
                                    run, v.definition(), v.createdBy(), next, taken, row, claims),
                                removed)));
  }

  /**
   * Takes the local step and the local steps after it here, on the calling thread, and keeps their
   * results in the caller's transaction; true when a step was queued.
   */
  private Uni<Boolean> takeHere(Prepared p) {
    return keepAll(p.task().run(), rowOf(p), inOneGo(p, this::attemptHere));
  }

  private Prepared prepared(
      WorkflowRun run,
      Definition definition,
      String actor,
      Next next,
      List<StepRun> taken,
      StepRun row,
      int claims) {
    // an attempt cut short by a dying worker counts: the history says how often the work began
    int attempt = (row == null ? 0 : row.attempts) + Math.max(1, claims);
    List<Definition.Step> all = definition.steps();
    int at = -1;
    for (int i = 0; i < all.size(); i++) {
      if (all.get(i).id().equals(next.step())) {
        at = i;
      }
    }
    if (at < 0) {
      Definition.Step missing =
          new Definition.Step(
              next.step(), "unknown", null, null, null, null, null, null, null, null, null);
      return new Prepared(
          next,
          new StepWork.Task(run, actor, missing, key(run, next), Map.of(), Map.of()),
          attempt,
          Definition.END,
          StepError.input("the step " + next.step() + " is not in the workflow"),
          definition,
          taken);
    }
    Definition.Step step = all.get(at);
    String following = at + 1 < all.size() ? all.get(at + 1).id() : Definition.END;
    Map<String, Object> variables = variables(run, actor, taken);
    Map<String, Object> inputs = Map.of();
    StepError refused = null;
    try {
      inputs = step.forEach() == null ? inputs(step, variables) : Map.of();
    } catch (StepError e) {
      refused = e;
    }
    return new Prepared(
        next,
        new StepWork.Task(run, actor, step, key(run, next), inputs, variables),
        attempt,
        following,
        refused,
        definition,
        taken);
  }

  /**
   * The step after a local step that just succeeded, ready to be taken at once by this worker when
   * it is local too and due now; null otherwise (it is queued, or the run ends).
   */
  private Prepared inline(Prepared p, StepWork.Outcome outcome) {
    Definition.Step step = p.task().step();
    if (!LOCAL.contains(step.type())
        || outcome.parks()
        || (outcome.delay() != null && outcome.delay().isPositive())) {
      return null;
    }
    String after = after(p, outcome);
    Definition.Step following =
        p.definition().steps().stream().filter(s -> s.id().equals(after)).findFirst().orElse(null);
    if (following == null || !LOCAL.contains(following.type())) {
      return null;
    }
    WorkflowRun run = p.task().run();
    StepRun done = new StepRun();
    done.seq = p.next().seq();
    done.stepId = step.id();
    done.status = StepRun.SUCCEEDED;
    done.output = JsonColumns.write(json, Values.toJson(json, outcome.output()));
    List<StepRun> taken = new java.util.ArrayList<>(p.taken());
    taken.add(done);
    return prepared(
        run,
        p.definition(),
        p.task().actor(),
        new Next(run.id, after, p.next().seq() + 1),
        taken,
        null,
        1);
  }

  /** The step a succeeded step leads to: its outcome's choice, its own next, or the list's. */
  private static String after(Prepared p, StepWork.Outcome outcome) {
    Definition.Step step = p.task().step();
    return outcome.next() != null
        ? outcome.next()
        : step.next() != null ? step.next() : p.following();
  }

  /**
   * A step of a workflow whose owner was removed from the tenant is not taken: it fails the run,
   * saying why (checked at every step, from the identity events).
   */
  private static Prepared ownerless(Prepared p, boolean removed) {
    if (!removed || p.refused() != null) {
      return p;
    }
    return new Prepared(
        p.next(),
        p.task(),
        p.attempt(),
        p.following(),
        new StepError(
            "owner",
            "the workflow's owner "
                + p.task().actor()
                + " is no member of the tenant any more: a workflow manager can save the workflow"
                + " again, and owns it then",
            false,
            null),
        p.definition(),
        p.taken());
  }

  /** The key of a step run's outside effects: the same on every attempt of it. */
  private static String key(WorkflowRun run, Next next) {
    return run.id + ":" + next.seq();
  }

  /**
   * Keeps the results of the steps taken in one go, unless the run stopped or the first of them was
   * settled meanwhile (by a worker that claimed it again; nobody settles a later one before the
   * first); true when a step (the next, or the last one again) was queued.
   */
  private Uni<Boolean> settle(List<Attempted> taken) {
    Attempted first = taken.get(0);
    WorkflowRun claimed = first.prepared().task().run();
    return runs.locked(claimed.tenantId, claimed.id)
        .chain(
            run -> {
              if (run == null || !WorkflowRun.RUNNING.equals(run.status)) {
                return Uni.createFrom().item(false); // cancelled while it worked
              }
              return steps
                  .at(run.id, first.prepared().next().seq())
                  .chain(
                      row -> {
                        if (row != null && !StepRun.RETRYING.equals(row.status)) {
                          return Uni.createFrom().item(false);
                        }
                        return keepAll(run, row, taken);
                      });
            });
  }

  /**
   * Keeps the results of the steps taken in one go, the run locked and their first step not settled
   * ({@code row}: its earlier attempt's, or null); true when a step was queued.
   */
  private Uni<Boolean> keepAll(WorkflowRun run, StepRun row, List<Attempted> taken) {
    Uni<Boolean> kept = keep(run, taken.get(0), row, taken.size() == 1);
    for (int i = 1; i < taken.size(); i++) {
      Attempted a = taken.get(i);
      boolean last = i == taken.size() - 1;
      kept = kept.chain(() -> keep(run, a, null, last));
    }
    return kept;
  }

  /**
   * Keeps one attempt's result in its step run ({@code row}, or a new one); the last of those taken
   * in one go queues what comes next, or ends the run.
   */
  private Uni<Boolean> keep(WorkflowRun run, Attempted a, StepRun row, boolean last) {
    Prepared p = a.prepared();
    StepWork.Task task = p.task();
    StepRun s =
        row != null
            ? row
            : row(
                run,
                p.next(),
                task.step().type(),
                StepWork.shown(task.step(), task.inputs()),
                a.started());
    s.attempts = p.attempt();
    s.input =
        JsonColumns.write(json, Values.toJson(json, StepWork.shown(task.step(), task.inputs())));
    s.finishedAt = OffsetDateTime.now(ZoneOffset.UTC);
    // succeeded and failed fill the row before anything is subscribed to; a new row is persisted
    // whole after that, so that it is one insert (persisted first, it was an insert and an update)
    Uni<Boolean> kept =
        a.outcome() != null
            ? succeeded(run, p, s, a.outcome(), last)
            : failed(run, p, s, a.error());
    return row == null ? kept.call(() -> steps.persist(s)) : kept;
  }

  private Uni<Boolean> succeeded(
      WorkflowRun run, Prepared p, StepRun s, StepWork.Outcome outcome, boolean last) {
    s.status = StepRun.SUCCEEDED;
    s.output = JsonColumns.write(json, Values.toJson(json, outcome.output()));
    s.nextAttemptAt = null;
    Definition.Step step = p.task().step();
    if (!last) {
      // the step after it was taken in the same go: its result comes next in this transaction
      return outcome.effect().get().replaceWith(false);
    }
    String after = after(p, outcome);
    if (outcome.parks()) {
      // an approval: nothing runs until a decision, or the job that ends the wait comes due
      s.status = StepRun.WAITING;
      run.status = WorkflowRun.WAITING;
      return outcome
          .effect()
          .get()
          .chain(
              () ->
                  queue(
                      new Next(run.id, step.id(), p.next().seq(), true),
                      run.tenantId,
                      outcome.park()))
          .replaceWith(false);
    }
    return outcome.effect().get().chain(() -> proceed(run, after, p.next().seq(), outcome.delay()));
  }

  /** Queues the step after the one at {@code seq}, or ends the run; true when one was queued. */
  private Uni<Boolean> proceed(WorkflowRun run, String after, int seq, Duration delay) {
    if (Definition.END.equals(after)) {
      return finish(run, WorkflowRun.SUCCEEDED, null).replaceWith(false);
    }
    return queue(new Next(run.id, after, seq + 1), run.tenantId, delay).replaceWith(true);
  }

  /** A workflow version's definition, read, and its owner: a version never changes. */
  record Version(Definition definition, String createdBy) {}

  /**
   * Versions read lately (each step needs its run's, twice): reading the row and its definition's
   * JSON again for every step was a tenth of the worker's CPU in the workflows benchmark.
   */
  private final com.github.benmanes.caffeine.cache.Cache<String, Version> read =
      com.github.benmanes.caffeine.cache.Caffeine.newBuilder().maximumSize(2_000).build();

  private Uni<Version> version(UUID tenantId, UUID workflowId, int version) {
    String key = tenantId + "/" + workflowId + "/" + version;
    Version known = read.getIfPresent(key);
    if (known != null) {
      return Uni.createFrom().item(known);
    }
    return versions
        .of(tenantId, workflowId, version)
        .onItem()
        .ifNull()
        .failWith(
            () -> ProblemException.notFound("version " + version + " of workflow " + workflowId))
        .map(
            v -> {
              Version found = new Version(workflows.definition(v), v.createdBy);
              read.put(key, found);
              return found;
            });
  }

  /** The definition of a workflow's version: read once, then from memory (it never changes). */
  public Uni<Definition> definition(UUID tenantId, UUID workflowId, int version) {
    return version(tenantId, workflowId, version).map(Version::definition);
  }

  /** The step of the run's version, and the step after it in the list (or end). */
  private Uni<Map.Entry<Definition.Step, String>> stepOf(WorkflowRun run, String id) {
    return version(run.tenantId, run.workflowId, run.version)
        .map(
            v -> {
              List<Definition.Step> all = v.definition().steps();
              for (int i = 0; i < all.size(); i++) {
                if (all.get(i).id().equals(id)) {
                  return Map.entry(
                      all.get(i), i + 1 < all.size() ? all.get(i + 1).id() : Definition.END);
                }
              }
              throw new IllegalStateException("the step " + id + " is not in the workflow");
            });
  }

  /** The approval the run waits for, with the run locked; 404 and 409 problems otherwise. */
  private Uni<Map.Entry<WorkflowRun, StepRun>> waiting(UUID tenantId, UUID id) {
    return lockedIn(tenantId, id, List.of(WorkflowRun.WAITING), "it waits for no approval")
        .chain(
            run -> {
              return steps
                  .waiting(run.id)
                  .map(
                      row -> {
                        if (row == null) {
                          throw new ProblemException(
                              ProblemType.CONFLICT, "the run " + id + " has no approval waiting");
                        }
                        return Map.entry(run, row);
                      });
            });
  }

  /** Who may decide on the approval step: its approvers, and whoever manages workflows. */
  public static boolean mayDecide(ObjectMapper json, StepRun row, String user, boolean manager) {
    if (manager) {
      return true;
    }
    for (JsonNode a : JsonColumns.read(json, row.output).path("approvers")) {
      if (a.asText().equals(user)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Decides the approval the run waits for: approved, the run goes on to the step's {@code next};
   * rejected, to its {@code else} (or it ends). In the caller's transaction ({@link #wake} after).
   */
  public Uni<WorkflowRun> decide(
      UUID tenantId, UUID id, String user, boolean manager, boolean approve, String comment) {
    return waiting(tenantId, id)
        .chain(
            found -> {
              WorkflowRun run = found.getKey();
              StepRun row = found.getValue();
              if (!mayDecide(json, row, user, manager)) {
                throw new ProblemException(
                    ProblemType.FORBIDDEN,
                    "only the step's approvers, or whoever manages workflows, may decide");
              }
              return stepOf(run, row.stepId)
                  .chain(
                      step -> {
                        ObjectNode output = (ObjectNode) JsonColumns.read(json, row.output);
                        output.put("decision", approve ? "approved" : "rejected");
                        output.put("approved", approve);
                        output.put("decidedBy", user);
                        output.put("decidedAt", OffsetDateTime.now(ZoneOffset.UTC).toString());
                        output.put("comment", comment == null ? "" : comment);
                        row.output = JsonColumns.write(json, output);
                        row.status = StepRun.SUCCEEDED;
                        row.finishedAt = OffsetDateTime.now(ZoneOffset.UTC);
                        run.status = WorkflowRun.RUNNING;
                        Definition.Step s = step.getKey();
                        String after =
                            approve
                                ? (s.next() != null ? s.next() : step.getValue())
                                : (s.otherwise() != null ? s.otherwise() : Definition.END);
                        return proceed(run, after, row.seq, null).replaceWith(run);
                      });
            });
  }

  /**
   * An approval's wait ended: unless it was decided, the step takes its {@code onTimeout} branch,
   * or fails the run. True when a step was queued.
   */
  private Uni<Boolean> timedOut(UUID tenantId, Next next) {
    return runs.locked(tenantId, next.run())
        .chain(
            run -> {
              if (run == null || !WorkflowRun.WAITING.equals(run.status)) {
                return Uni.createFrom().item(false);
              }
              return steps
                  .at(run.id, next.seq())
                  .chain(
                      row -> {
                        if (row == null || !StepRun.WAITING.equals(row.status)) {
                          return Uni.createFrom().item(false); // decided in time
                        }
                        return stepOf(run, row.stepId)
                            .chain(step -> expire(run, row, step.getKey()));
                      });
            });
  }

  private Uni<Boolean> expire(WorkflowRun run, StepRun row, Definition.Step s) {
    row.finishedAt = OffsetDateTime.now(ZoneOffset.UTC);
    ObjectNode output = (ObjectNode) JsonColumns.read(json, row.output);
    output.put("decision", "timed-out");
    output.put("approved", false);
    row.output = JsonColumns.write(json, output);
    if (s.onTimeout() != null) {
      row.status = StepRun.SUCCEEDED;
      run.status = WorkflowRun.RUNNING;
      return proceed(run, s.onTimeout(), row.seq, null);
    }
    row.status = StepRun.FAILED;
    row.errorCode = StepError.TIMEOUT;
    row.error = "no decision before " + output.path("expiresAt").asText();
    return finish(run, WorkflowRun.FAILED, "step " + s.id() + ": " + row.error).replaceWith(false);
  }

  private Uni<Boolean> failed(WorkflowRun run, Prepared p, StepRun s, StepError error) {
    Definition.Step step = p.task().step();
    s.error = message(error);
    s.errorCode = error.code();
    RetryPolicy policy;
    try {
      policy = RetryPolicy.of(step.retry());
    } catch (RuntimeException e) {
      policy = RetryPolicy.DEFAULT;
    }
    int made = p.attempt() - s.retryBase;
    if (policy.retries(error) && made < policy.maxAttempts()) {
      Duration pause = policy.delayAfter(made, error.retryAfter());
      s.status = StepRun.RETRYING;
      s.nextAttemptAt = OffsetDateTime.now(ZoneOffset.UTC).plus(pause);
      return queue(p.next(), run.tenantId, pause).replaceWith(true);
    }
    s.status = StepRun.FAILED;
    s.nextAttemptAt = null;
    String reason =
        "step " + step.id() + ": " + s.error + (made > 1 ? " (after " + made + " attempts)" : "");
    return finish(run, WorkflowRun.FAILED, reason).replaceWith(false);
  }

  /** The step's inputs: each a JSON value as it is, or its expression's value. */
  static Map<String, Object> inputs(Definition.Step step, Map<String, Object> variables) {
    Map<String, Object> inputs = new LinkedHashMap<>();
    if (step.inputs() != null) {
      step.inputs().forEach((name, value) -> inputs.put(name, input(value, variables)));
    }
    return inputs;
  }

  /** An input's value: JSON as it is, each {"expr": ...} in it (at any depth) its value. */
  private static Object input(JsonNode value, Map<String, Object> variables) {
    if (value != null && value.isObject() && value.has("expr") && value.size() == 1) {
      return evaluate(value.get("expr").asText(), variables);
    }
    if (value != null && value.isObject()) {
      Map<String, Object> object = new LinkedHashMap<>();
      value.fields().forEachRemaining(e -> object.put(e.getKey(), input(e.getValue(), variables)));
      return object;
    }
    if (value != null && value.isArray()) {
      List<Object> list = new java.util.ArrayList<>(value.size());
      value.forEach(e -> list.add(input(e, variables)));
      return list;
    }
    return Values.fromJson(value);
  }

  static Object evaluate(String expression, Map<String, Object> variables) {
    try {
      return Expressions.evaluate(Expressions.compile(expression), variables);
    } catch (Expressions.Invalid e) {
      throw StepError.input("its expression does not compile: " + e.getMessage());
    } catch (Expressions.Failed e) {
      throw StepError.input(e.getMessage());
    }
  }

  /** What expressions see: the trigger, the outputs of the steps taken, the run. */
  private Map<String, Object> variables(WorkflowRun run, String actor, List<StepRun> done) {
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
            "id",
            run.id.toString(),
            "workflowId",
            run.workflowId.toString(),
            "startedBy",
            run.startedBy,
            "owner",
            actor));
    variables.put("item", Values.NULL);
    return variables;
  }

  private StepRun row(
      WorkflowRun run, Next next, String type, Map<String, Object> inputs, OffsetDateTime started) {
    OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
    StepRun s = new StepRun();
    s.id = UUID.randomUUID();
    s.runId = run.id;
    s.tenantId = run.tenantId;
    s.seq = next.seq();
    s.stepId = next.step();
    s.type = type;
    s.status = StepRun.RETRYING;
    s.attempts = 1;
    s.input = inputs == null ? null : JsonColumns.write(json, Values.toJson(json, inputs));
    s.startedAt = started == null ? now : started;
    s.finishedAt = now;
    return s;
  }

  private Uni<Void> finish(WorkflowRun run, String status, String error) {
    run.status = status;
    run.error = error;
    run.finishedAt = OffsetDateTime.now(ZoneOffset.UTC);
    metrics.runFinished(status);
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

  private static String message(Throwable e) {
    String text = e.getMessage() == null ? e.toString() : e.getMessage();
    return text.length() > MAX_ERROR ? text.substring(0, MAX_ERROR) : text;
  }
}
