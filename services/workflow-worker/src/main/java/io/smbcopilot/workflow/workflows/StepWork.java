package io.smbcopilot.workflow.workflows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.mutiny.Uni;
import io.smbcopilot.events.CloudEvent;
import io.smbcopilot.events.EventType;
import io.smbcopilot.events.notifications.NotificationRequested;
import io.smbcopilot.events.workflows.WorkflowMessage;
import io.smbcopilot.outbox.Outbox;
import io.smbcopilot.workflow.domain.WorkflowRun;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The work of each step type, done outside any transaction (an http call may take a while); what it
 * leaves in the database (an event to the outbox) is an effect the engine applies in the
 * transaction that keeps the step's result, so it happens exactly once.
 */
@ApplicationScoped
public class StepWork {
  /** The most items a forEach takes. */
  static final int MAX_ITEMS = 1000;

  static final Duration HTTP_TIMEOUT = Duration.ofSeconds(30);
  static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(5);

  /**
   * What a step did: its output, the step it goes to (null: its {@code next}, or the one after it),
   * the pause before that one, and its effect in the run's transaction.
   */
  public record Outcome(
      Object output, String next, Duration delay, Supplier<Uni<Void>> effect, Duration park) {
    static final Supplier<Uni<Void>> NONE = () -> Uni.createFrom().voidItem();

    Outcome(Object output, String next, Duration delay, Supplier<Uni<Void>> effect) {
      this(output, next, delay, effect, null);
    }

    static Outcome of(Object output) {
      return new Outcome(output, null, null, NONE);
    }

    /** The step waits (an approval), for at most {@code park}; its output so far. */
    boolean parks() {
      return park != null;
    }
  }

  /** How long an approval waits unless its timeout says. */
  static final Duration APPROVAL_TIMEOUT = Duration.ofDays(7);

  /**
   * One execution of a step: the run, whose permissions it acts with (who saved the version it
   * runs: the workflow's owner then), the step, its key for outside effects, its inputs.
   */
  public record Task(
      WorkflowRun run,
      String actor,
      Definition.Step step,
      String key,
      Map<String, Object> inputs,
      Map<String, Object> variables) {}

  private final ObjectMapper json;
  private final Outbox outbox;
  private final HttpStep http;
  private final KnowledgeSteps knowledge;

  public StepWork(ObjectMapper json, Outbox outbox, HttpStep http, KnowledgeSteps knowledge) {
    this.json = json;
    this.outbox = outbox;
    this.http = http;
    this.knowledge = knowledge;
  }

  /** How long one attempt of the step may take. */
  static Duration timeout(Definition.Step step) {
    if (step.timeout() != null && !List.of("wait", "approval").contains(step.type())) {
      return Duration.parse(step.timeout());
    }
    return "http".equals(step.type()) ? HTTP_TIMEOUT : DEFAULT_TIMEOUT;
  }

  /** The inputs as the run's history keeps them. */
  static Map<String, Object> shown(Definition.Step step, Map<String, Object> inputs) {
    return "http".equals(step.type()) ? HttpStep.shown(inputs) : inputs;
  }

  /**
   * Does the step once, or once per item of its {@code forEach} (the outputs in a list, the effects
   * all kept; each item's outside effects keyed by the step's key and the item's place).
   */
  Outcome run(Task task, Duration timeout) {
    Definition.Step step = task.step();
    if (step.forEach() == null) {
      return once(task, timeout);
    }
    Object items = RunEngine.evaluate(step.forEach(), task.variables());
    if (!(items instanceof List<?> list)) {
      throw StepError.input("its forEach gave " + items + ", not a list");
    }
    if (list.size() > MAX_ITEMS) {
      throw StepError.input("its forEach gave " + list.size() + " items, more than " + MAX_ITEMS);
    }
    List<Object> outputs = new ArrayList<>();
    List<Supplier<Uni<Void>>> effects = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      Map<String, Object> variables = new LinkedHashMap<>(task.variables());
      variables.put("item", list.get(i));
      Map<String, Object> inputs = RunEngine.inputs(step, variables);
      Outcome one =
          once(
              new Task(task.run(), task.actor(), step, task.key() + ":" + i, inputs, variables),
              timeout);
      outputs.add(one.output());
      effects.add(one.effect());
    }
    return new Outcome(
        outputs,
        null,
        null,
        () -> {
          Uni<Void> all = Uni.createFrom().voidItem();
          for (Supplier<Uni<Void>> e : effects) {
            all = all.chain(() -> e.get());
          }
          return all;
        });
  }

  private Outcome once(Task task, Duration timeout) {
    Definition.Step step = task.step();
    Map<String, Object> inputs = task.inputs();
    return switch (step.type()) {
      case "condition" -> {
        Object value = RunEngine.evaluate(step.condition(), task.variables());
        if (!(value instanceof Boolean b)) {
          throw StepError.input("its condition gave " + value + ", not true or false");
        }
        yield new Outcome(
            Map.of("result", b), b ? step.then() : step.otherwise(), null, Outcome.NONE);
      }
      case "wait" -> wait(inputs);
      case "notify" -> notify(task);
      case "http" -> Outcome.of(http.execute(http.call(inputs, json), task.key(), timeout));
      case "approval" -> approval(task);
      case "search" -> knowledge.search(task, timeout);
      case "ask" -> knowledge.ask(task, timeout);
      case "summarize" -> knowledge.summarize(task, timeout);
      case "extract" -> knowledge.extract(task, timeout, json);
      case "generate" -> knowledge.generate(task, timeout);
      case "report" -> knowledge.report(task, timeout);
      default ->
          throw StepError.input(
              "a " + step.type() + " step is not available yet in this version of the engine");
    };
  }

  private static Outcome wait(Map<String, Object> inputs) {
    Object duration = inputs.get("duration");
    Object until = inputs.get("until");
    Duration d = Duration.ZERO;
    if (duration != null && duration != Values.NULL) {
      try {
        d = Duration.parse(duration.toString());
      } catch (DateTimeParseException e) {
        throw StepError.input("its duration " + duration + " is not an ISO-8601 duration");
      }
    } else if (until != null && until != Values.NULL) {
      Instant at;
      try {
        at = OffsetDateTime.parse(until.toString()).toInstant();
      } catch (DateTimeParseException e) {
        throw StepError.input(
            "its until " + until + " is not a time with its offset (2026-12-24T09:00:00+01:00)");
      }
      d = Duration.between(Instant.now(), at);
      if (d.isNegative()) {
        d = Duration.ZERO;
      }
      if (d.compareTo(DefinitionValidator.MAX_WAIT) > 0) {
        throw StepError.input("its until " + until + " is more than 30 days away");
      }
    }
    return new Outcome(Map.of("waited", d.toString()), null, d, Outcome.NONE);
  }

  /**
   * An approval: the approvers (user ids, by default whoever started the run) are told in the app
   * and by mail, the run's wait is an event for webhooks, and the step waits for a decision.
   */
  private Outcome approval(Task task) {
    WorkflowRun run = task.run();
    Definition.Step step = task.step();
    Map<String, Object> inputs = task.inputs();
    List<String> approvers = new ArrayList<>();
    Object given = inputs.get("approvers");
    if (given instanceof List<?> list) {
      list.forEach(a -> approvers.add(String.valueOf(a)));
    } else if (given instanceof String one) {
      approvers.add(one);
    } else if (given != null && given != Values.NULL) {
      throw StepError.input("its approvers must be a list of user ids");
    }
    if (approvers.isEmpty()) {
      approvers.add(run.startedBy);
    }
    Object t = inputs.get("title");
    String title = t == null || t == Values.NULL ? "Approval needed" : String.valueOf(t);
    Object b = inputs.get("body");
    String body = b == null || b == Values.NULL ? "" : String.valueOf(b);
    Duration wait = step.timeout() == null ? APPROVAL_TIMEOUT : Duration.parse(step.timeout());
    Instant expires = Instant.now().plus(wait);
    Map<String, Object> output = new LinkedHashMap<>();
    output.put("approvers", List.copyOf(approvers));
    output.put("title", title);
    output.put("body", body);
    output.put("expiresAt", expires.toString());
    String link = "/runs/" + run.id;
    Supplier<Uni<Void>> effect =
        () -> {
          Uni<Void> all =
              outbox.append(
                  CloudEvent.of(
                      EventType.RUN_WAITING,
                      RunEngine.SOURCE,
                      run.tenantId.toString(),
                      "run/" + run.id,
                      new io.smbcopilot.events.workflows.RunWaiting(
                          run.tenantId.toString(),
                          run.workflowId.toString(),
                          run.id.toString(),
                          step.id(),
                          title,
                          List.copyOf(approvers),
                          expires.toString())));
          for (String approver : approvers) {
            NotificationRequested told =
                new NotificationRequested(
                    run.tenantId.toString(),
                    approver,
                    "workflow.approval",
                    "Approval needed: " + title,
                    (body.isBlank() ? "" : body + "\n\n")
                        + "Approve or reject it before "
                        + expires
                        + ".",
                    link);
            all =
                all.chain(
                    () ->
                        outbox.append(
                            CloudEvent.of(
                                EventType.NOTIFICATION_REQUESTED,
                                RunEngine.SOURCE,
                                run.tenantId.toString(),
                                "run/" + run.id + "/" + task.key() + "/" + approver,
                                told)));
          }
          return all;
        };
    return new Outcome(output, null, null, effect, wait);
  }

  private Outcome notify(Task task) {
    WorkflowRun run = task.run();
    Map<String, Object> inputs = task.inputs();
    String channel = String.valueOf(inputs.getOrDefault("channel", "in-app"));
    String subject = "run/" + run.id + "/" + task.key();
    switch (channel) {
      case "in-app", "email" -> {
        Object to = inputs.get("to");
        String user = to == null || to == Values.NULL ? run.startedBy : String.valueOf(to);
        Object title = inputs.get("title");
        Object body = inputs.get("body");
        if (title == null || title == Values.NULL || String.valueOf(title).isBlank()) {
          throw StepError.input("a notification needs a title");
        }
        NotificationRequested told =
            new NotificationRequested(
                run.tenantId.toString(),
                user,
                "in-app".equals(channel) ? "workflow.message" : "workflow.mail",
                String.valueOf(title),
                body == null || body == Values.NULL ? "" : String.valueOf(body),
                "/runs/" + run.id);
        return new Outcome(
            Map.of("channel", channel, "to", user),
            null,
            null,
            () ->
                outbox.append(
                    CloudEvent.of(
                        EventType.NOTIFICATION_REQUESTED,
                        RunEngine.SOURCE,
                        run.tenantId.toString(),
                        subject,
                        told)));
      }
      case "webhook" -> {
        Object topic = inputs.get("topic");
        if (topic == null || topic == Values.NULL || String.valueOf(topic).isBlank()) {
          throw StepError.input("a webhook event needs a topic, which names it for the receiver");
        }
        Object data = inputs.get("data");
        JsonNode tree = Values.toJson(json, data);
        @SuppressWarnings("unchecked")
        Map<String, Object> payload =
            tree.isObject()
                ? json.convertValue(tree, Map.class)
                : java.util.Collections.singletonMap(
                    "value", json.convertValue(tree, Object.class));
        WorkflowMessage message =
            new WorkflowMessage(
                run.tenantId.toString(),
                run.workflowId.toString(),
                run.id.toString(),
                task.step().id(),
                String.valueOf(topic),
                payload);
        return new Outcome(
            Map.of("channel", channel, "topic", String.valueOf(topic)),
            null,
            null,
            () ->
                outbox.append(
                    CloudEvent.of(
                        EventType.WORKFLOW_MESSAGE,
                        RunEngine.SOURCE,
                        run.tenantId.toString(),
                        subject,
                        message)));
      }
      default ->
          throw StepError.input("its channel " + channel + " is not in-app, email or webhook");
    }
  }
}
