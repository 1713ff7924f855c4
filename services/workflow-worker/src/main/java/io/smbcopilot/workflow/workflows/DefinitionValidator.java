package io.smbcopilot.workflow.workflows;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.parser.CronParser;
import com.fasterxml.jackson.databind.JsonNode;
import io.smbcopilot.problem.Problem;
import io.smbcopilot.problem.ProblemException;
import io.smbcopilot.problem.ProblemType;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks a definition when it is saved, so a run never meets a mistake the definition already had:
 * unknown trigger and step types, missing inputs, duplicate ids, references to steps that do not
 * exist or do not run before the one reading them, cycles (a step repeats only through {@code
 * forEach}), expressions that do not compile, limits (20 attempts, a day's pause, 30 days of
 * approval), a {@code generate} step without a model. Every mistake is named with its field, e.g.
 * {@code steps[2].inputs.query}.
 */
public final class DefinitionValidator {
  static final Pattern ID = Pattern.compile("[a-zA-Z][a-zA-Z0-9_]{0,39}");
  static final int MAX_STEPS = 100;
  static final int MAX_ATTEMPTS = 20;
  static final Duration MAX_DELAY = Duration.ofDays(1);
  static final Duration MAX_STEP_TIMEOUT = Duration.ofMinutes(15);
  static final Duration MAX_WAIT = Duration.ofDays(30);
  static final CronParser CRON =
      new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));

  /** Inputs each step type needs. */
  static final Map<String, List<String>> REQUIRED =
      Map.ofEntries(
          Map.entry("search", List.of("query")),
          Map.entry("ask", List.of("question")),
          Map.entry("summarize", List.of()),
          Map.entry("extract", List.of("fields")),
          Map.entry("generate", List.of("prompt")),
          Map.entry("condition", List.of()),
          Map.entry("approval", List.of()),
          Map.entry("notify", List.of("channel")),
          Map.entry("http", List.of("url")),
          Map.entry("wait", List.of()),
          Map.entry("report", List.of()));

  /**
   * What the validator needs to know of the tenant and the platform.
   *
   * @param modelConfigured the tenant answers with a language model (a generate step needs one)
   * @param eventTypes the platform events a trigger may name
   */
  public record Context(boolean modelConfigured, Set<String> eventTypes) {}

  private final List<Problem.FieldError> errors = new ArrayList<>();
  private final Context context;

  private DefinitionValidator(Context context) {
    this.context = context;
  }

  /** Throws a 400 problem listing every mistake, each with its field. */
  public static void check(Definition definition, Context context) {
    DefinitionValidator v = new DefinitionValidator(context);
    v.validate(definition);
    if (!v.errors.isEmpty()) {
      Problem.FieldError first = v.errors.get(0);
      throw new ProblemException(
          ProblemType.VALIDATION,
          first.field()
              + ": "
              + first.message()
              + (v.errors.size() > 1 ? " (and " + (v.errors.size() - 1) + " more)" : ""),
          v.errors);
    }
  }

  private void error(String field, String message) {
    errors.add(new Problem.FieldError(field, message));
  }

  private void validate(Definition d) {
    if (d == null) {
      error("body", "is required");
      return;
    }
    trigger(d.trigger());
    List<Definition.Step> steps = d.steps() == null ? List.of() : d.steps();
    if (steps.isEmpty()) {
      error("body.steps", "needs at least one step");
      return;
    }
    if (steps.size() > MAX_STEPS) {
      error("body.steps", "has more than " + MAX_STEPS + " steps");
      return;
    }
    Map<String, Integer> index = new LinkedHashMap<>();
    for (int i = 0; i < steps.size(); i++) {
      Definition.Step s = steps.get(i);
      String at = "body.steps[" + i + "]";
      if (s == null || s.id() == null || !ID.matcher(s.id()).matches()) {
        error(at + ".id", "must be a letter, then up to 39 letters, digits or _");
      } else if (s.id().equals(Definition.END)) {
        error(at + ".id", "end is where a run stops, not a step's id");
      } else if (index.putIfAbsent(s.id(), i) != null) {
        error(at + ".id", "repeats the id of steps[" + index.get(s.id()) + "]");
      }
    }
    if (!errors.isEmpty()) {
      return; // references cannot be checked without ids
    }
    Map<String, List<String>> edges = new HashMap<>();
    for (int i = 0; i < steps.size(); i++) {
      Definition.Step s = steps.get(i);
      String following = i + 1 < steps.size() ? steps.get(i + 1).id() : Definition.END;
      edges.put(s.id(), successors(s, "body.steps[" + i + "]", following, index));
    }
    List<String> cycle = cycle(steps.get(0).id(), edges);
    if (cycle != null) {
      error(
          "body.steps[" + index.get(cycle.get(0)) + "]",
          "steps "
              + String.join(" -> ", cycle)
              + " form a cycle: a step repeats only through forEach");
      return;
    }
    Map<String, Set<String>> before = predecessors(steps.get(0).id(), edges);
    for (int i = 0; i < steps.size(); i++) {
      step(steps.get(i), "body.steps[" + i + "]", before.getOrDefault(steps.get(i).id(), Set.of()));
    }
  }

  private void trigger(Definition.Trigger t) {
    if (t == null || t.type() == null) {
      error("body.trigger.type", "is required: one of " + Definition.TRIGGER_TYPES);
      return;
    }
    switch (t.type()) {
      case "manual", "webhook" -> {}
      case "schedule" -> {
        if (t.cron() == null || t.cron().isBlank()) {
          error("body.trigger.cron", "is required for a schedule");
        } else {
          try {
            CRON.parse(t.cron()).validate();
          } catch (IllegalArgumentException e) {
            error("body.trigger.cron", "is not a five-field cron expression: " + e.getMessage());
          }
        }
        if (t.timeZone() != null) {
          try {
            ZoneId.of(t.timeZone());
          } catch (DateTimeException e) {
            error("body.trigger.timeZone", "is not an IANA time zone (e.g. Europe/Berlin)");
          }
        }
        if (t.missed() != null && !List.of("skip", "catch-up").contains(t.missed())) {
          error("body.trigger.missed", "must be skip or catch-up");
        }
      }
      case "event" -> {
        if (t.event() == null || !context.eventTypes().contains(t.event())) {
          error(
              "body.trigger.event",
              "must be one of " + new java.util.TreeSet<>(context.eventTypes()));
        }
        if (t.tag() != null && !"io.smbcopilot.document.indexed.v1".equals(t.event())) {
          error("body.trigger.tag", "only document.indexed events carry the document's tags");
        }
        if (t.mediaType() != null
            && !List.of("io.smbcopilot.document.indexed.v1", "io.smbcopilot.document.uploaded.v1")
                .contains(t.event())) {
          error(
              "body.trigger.mediaType",
              "only document.uploaded and document.indexed events carry the media type");
        }
      }
      default -> error("body.trigger.type", "must be one of " + Definition.TRIGGER_TYPES);
    }
  }

  /** Where the step may go next; reports references to no step. */
  private List<String> successors(
      Definition.Step s, String at, String following, Map<String, Integer> index) {
    List<String> next = new ArrayList<>();
    if ("condition".equals(s.type())) {
      next.add(reference(s.then(), at + ".then", index, true));
      next.add(reference(s.otherwise(), at + ".else", index, true));
    } else {
      next.add(s.next() == null ? following : reference(s.next(), at + ".next", index, false));
      if ("approval".equals(s.type()) && s.otherwise() != null) {
        next.add(reference(s.otherwise(), at + ".else", index, false)); // when rejected
      } else if (s.then() != null || s.otherwise() != null) {
        error(
            at + (s.then() != null ? ".then" : ".else"),
            "only condition steps branch with then and else (an approval step: else, when"
                + " rejected); use next");
      }
    }
    if (s.onTimeout() != null) {
      next.add(reference(s.onTimeout(), at + ".onTimeout", index, false));
    }
    next.removeIf(n -> n == null || n.equals(Definition.END));
    return next;
  }

  private String reference(String id, String field, Map<String, Integer> index, boolean required) {
    if (id == null) {
      if (required) {
        error(field, "is required: a step id or end");
      }
      return null;
    }
    if (!id.equals(Definition.END) && !index.containsKey(id)) {
      error(field, "names no step: " + id);
      return null;
    }
    return id;
  }

  /** A cycle among the steps reachable from the first, as ids (first repeated last), or null. */
  static List<String> cycle(String start, Map<String, List<String>> edges) {
    Map<String, Integer> state = new HashMap<>(); // 1 on the path, 2 done
    List<String> path = new ArrayList<>();
    return visit(start, edges, state, path);
  }

  private static List<String> visit(
      String id, Map<String, List<String>> edges, Map<String, Integer> state, List<String> path) {
    Integer s = state.get(id);
    if (s != null && s == 2) {
      return null;
    }
    if (s != null) {
      List<String> cycle = new ArrayList<>(path.subList(path.indexOf(id), path.size()));
      cycle.add(id);
      return cycle;
    }
    state.put(id, 1);
    path.add(id);
    for (String next : edges.getOrDefault(id, List.of())) {
      List<String> found = visit(next, edges, state, path);
      if (found != null) {
        return found;
      }
    }
    path.remove(path.size() - 1);
    state.put(id, 2);
    return null;
  }

  /** For each step, the steps that have surely or possibly run before it (on some path). */
  static Map<String, Set<String>> predecessors(String start, Map<String, List<String>> edges) {
    Map<String, Set<String>> before = new HashMap<>();
    before.put(start, new HashSet<>());
    // the graph is acyclic: propagate along edges until nothing changes
    boolean changed = true;
    while (changed) {
      changed = false;
      for (Map.Entry<String, List<String>> e : edges.entrySet()) {
        Set<String> mine = before.get(e.getKey());
        if (mine == null) {
          continue;
        }
        for (String next : e.getValue()) {
          Set<String> theirs = before.computeIfAbsent(next, k -> new HashSet<>());
          int size = theirs.size();
          theirs.add(e.getKey());
          theirs.addAll(mine);
          changed |= theirs.size() != size;
        }
      }
    }
    return before;
  }

  private void step(Definition.Step s, String at, Set<String> before) {
    if (s.type() == null || !Definition.STEP_TYPES.contains(s.type())) {
      error(at + ".type", "must be one of " + Definition.STEP_TYPES);
      return;
    }
    Map<String, JsonNode> inputs = s.inputs() == null ? Map.of() : s.inputs();
    for (String required : REQUIRED.get(s.type())) {
      if (!inputs.containsKey(required) || inputs.get(required).isNull()) {
        error(at + ".inputs." + required, "is required for a " + s.type() + " step");
      }
    }
    if (List.of("summarize", "extract").contains(s.type())
        && !inputs.containsKey("text")
        && !inputs.containsKey("documentId")) {
      error(at + ".inputs", "a " + s.type() + " step needs text or documentId");
    }
    boolean loop = s.forEach() != null;
    if (loop) {
      expression(s.forEach(), at + ".forEach", before, false);
    }
    inputs.forEach((name, value) -> expressions(value, at + ".inputs." + name, before, loop));
    switch (s.type()) {
      case "condition" -> {
        if (s.condition() == null) {
          error(at + ".if", "is required for a condition step: a CEL expression");
        } else {
          expression(s.condition(), at + ".if", before, loop);
        }
      }
      case "generate" -> {
        if (!context.modelConfigured()) {
          error(
              at + ".type",
              "a generate step needs a language model, and the tenant answers with the embedded"
                  + " extractive answerer: set one at /api/v1/copilot/settings first");
        }
      }
      case "notify" -> {
        JsonNode channel = inputs.get("channel");
        if (channel != null
            && channel.isTextual()
            && !List.of("in-app", "email", "webhook").contains(channel.asText())) {
          error(at + ".inputs.channel", "must be in-app, email or webhook");
        }
        boolean webhook = channel != null && "webhook".equals(channel.asText());
        String needed = webhook ? "topic" : "title";
        if (!inputs.containsKey(needed) || inputs.get(needed).isNull()) {
          error(
              at + ".inputs." + needed,
              "is required for a notify step "
                  + (webhook ? "to a webhook (it names the event)" : "in the app or by email"));
        }
      }
      case "wait" -> {
        if (!inputs.containsKey("duration") && !inputs.containsKey("until")) {
          error(at + ".inputs", "a wait step needs duration (ISO-8601) or until (a time)");
        }
        JsonNode duration = inputs.get("duration");
        if (duration != null && duration.isTextual()) {
          duration(duration.asText(), at + ".inputs.duration", MAX_WAIT);
        }
      }
      default -> {}
    }
    if (s.onTimeout() != null && !List.of("approval", "wait").contains(s.type())) {
      error(at + ".onTimeout", "only approval and wait steps take a timeout branch");
    }
    if (s.timeout() != null) {
      duration(
          s.timeout(),
          at + ".timeout",
          "approval".equals(s.type()) || "wait".equals(s.type()) ? MAX_WAIT : MAX_STEP_TIMEOUT);
    }
    if (s.retry() != null) {
      Definition.Retry r = s.retry();
      if (r.maxAttempts() != null && (r.maxAttempts() < 1 || r.maxAttempts() > MAX_ATTEMPTS)) {
        error(at + ".retry.maxAttempts", "must be 1 to " + MAX_ATTEMPTS);
      }
      if (r.initialDelay() != null) {
        duration(r.initialDelay(), at + ".retry.initialDelay", MAX_DELAY);
      }
      if (r.maxDelay() != null) {
        duration(r.maxDelay(), at + ".retry.maxDelay", MAX_DELAY);
      }
    }
  }

  /** The expressions in an input's value, at any depth: each {"expr": ...} object. */
  private void expressions(JsonNode value, String field, Set<String> before, boolean loop) {
    if (value == null) {
      return;
    }
    if (value.isObject() && value.has("expr") && value.size() == 1) {
      JsonNode expr = value.get("expr");
      if (!expr.isTextual()) {
        error(field + ".expr", "must be a CEL expression, as text");
      } else {
        expression(expr.asText(), field + ".expr", before, loop);
      }
    } else if (value.isObject()) {
      value
          .fields()
          .forEachRemaining(e -> expressions(e.getValue(), field + "." + e.getKey(), before, loop));
    } else if (value.isArray()) {
      for (int i = 0; i < value.size(); i++) {
        expressions(value.get(i), field + "[" + i + "]", before, loop);
      }
    }
  }

  private void expression(String source, String field, Set<String> before, boolean loop) {
    try {
      var ast = Expressions.compile(source);
      for (String read : Expressions.stepsRead(ast)) {
        if (!before.contains(read)) {
          error(field, "reads steps." + read + ", which is no step that runs before this one");
        }
      }
      if (!loop && Expressions.reads(ast, "item")) {
        error(field, "reads item, which only a forEach step has");
      }
    } catch (Expressions.Invalid e) {
      error(field, "does not compile: " + e.getMessage());
    }
  }

  private Duration duration(String text, String field, Duration max) {
    try {
      Duration d = Duration.parse(text);
      if (d.isNegative() || d.compareTo(max) > 0) {
        error(field, "must be between PT0S and " + max);
      }
      return d;
    } catch (DateTimeParseException e) {
      error(field, "is not an ISO-8601 duration (e.g. PT30S, PT5M, P1D)");
      return null;
    }
  }
}
