package io.smbcopilot.workflow.workflows;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.smbcopilot.problem.Problem;
import io.smbcopilot.problem.ProblemException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A definition is checked when saved: every kind of mistake is refused and named with its field,
 * and a valid one passes. Expressions are CEL, compiled and evaluated.
 */
class DefinitionValidatorTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final DefinitionValidator.Context EXTRACTIVE =
      new DefinitionValidator.Context(false, Set.of("io.smbcopilot.document.indexed.v1"));
  static final DefinitionValidator.Context WITH_MODEL =
      new DefinitionValidator.Context(true, EXTRACTIVE.eventTypes());

  static Definition parse(String json) throws Exception {
    return JSON.readValue(json.replace('\'', '"'), Definition.class);
  }

  /** A valid definition: search, a condition on its hits, a summary or a notification. */
  static final String VALID =
      """
      {'trigger': {'type': 'event', 'event': 'io.smbcopilot.document.indexed.v1'},
       'steps': [
        {'id': 'find', 'type': 'search', 'inputs': {'query': {'expr': 'trigger.document.title'}}},
        {'id': 'any', 'type': 'condition', 'if': 'size(steps.find.output.hits) > 0',
         'then': 'sum', 'else': 'end'},
        {'id': 'sum', 'type': 'summarize',
         'inputs': {'text': {'expr': 'steps.find.output.hits[0].text'}},
         'retry': {'maxAttempts': 5, 'initialDelay': 'PT2S', 'maxDelay': 'PT1H'}},
        {'id': 'tell', 'type': 'notify', 'forEach': 'steps.find.output.hits',
         'inputs': {'channel': 'in-app', 'title': {'expr': '\\"Found: \\" + item.title'}}}
       ]}
      """;

  static List<Problem.FieldError> errors(String json, DefinitionValidator.Context context)
      throws Exception {
    Definition d = parse(json);
    ProblemException e =
        catchThrowableOfType(ProblemException.class, () -> DefinitionValidator.check(d, context));
    assertThat(e).as("refused: " + json).isNotNull();
    assertThat(e.type().status()).isEqualTo(400);
    return e.errors();
  }

  static void refused(String json, String field, String message) throws Exception {
    assertThat(errors(json, EXTRACTIVE))
        .as(json)
        .anySatisfy(
            error -> {
              assertThat(error.field()).isEqualTo(field);
              assertThat(error.message()).contains(message);
            });
  }

  @Test
  void aValidDefinitionPasses() throws Exception {
    Definition d = parse(VALID);
    assertThatCode(() -> DefinitionValidator.check(d, EXTRACTIVE)).doesNotThrowAnyException();
  }

  @Test
  void everyKindOfMistakeIsRefusedAndNamedWithItsField() throws Exception {
    String manual = "{'trigger': {'type': 'manual'}, 'steps': ";
    refused(
        "{'steps': [{'id': 'a', 'type': 'wait', 'inputs': {'duration': 'PT1S'}}]}",
        "body.trigger.type",
        "required");
    refused(manual + "[]}", "body.steps", "at least one step");
    refused(manual + "[{'id': 'a', 'type': 'teleport'}]}", "body.steps[0].type", "one of");
    refused(manual + "[{'id': '1a', 'type': 'wait'}]}", "body.steps[0].id", "a letter");
    refused(
        manual
            + "[{'id': 'a', 'type': 'ask', 'inputs': {'question': 'q'}},"
            + " {'id': 'a', 'type': 'ask', 'inputs': {'question': 'q'}}]}",
        "body.steps[1].id",
        "repeats the id of steps[0]");
    refused(
        manual + "[{'id': 'a', 'type': 'search', 'inputs': {}}]}",
        "body.steps[0].inputs.query",
        "required");
    refused(
        manual + "[{'id': 'a', 'type': 'search', 'inputs': {'query': 'x'}, 'next': 'nowhere'}]}",
        "body.steps[0].next",
        "names no step: nowhere");
    refused(
        manual
            + "[{'id': 'a', 'type': 'search', 'inputs': {'query': 'x'}, 'next': 'b'},"
            + " {'id': 'b', 'type': 'search', 'inputs': {'query': 'y'}, 'next': 'a'}]}",
        "body.steps[0]",
        "a -> b -> a form a cycle");
    refused(
        manual + "[{'id': 'a', 'type': 'search', 'inputs': {'query': {'expr': 'trigger.x +'}}}]}",
        "body.steps[0].inputs.query.expr",
        "does not compile");
    refused(
        manual
            + "[{'id': 'a', 'type': 'search', 'inputs': {'query': {'expr': 'steps.b.output'}}},"
            + " {'id': 'b', 'type': 'search', 'inputs': {'query': 'x'}}]}",
        "body.steps[0].inputs.query.expr",
        "reads steps.b, which is no step that runs before this one");
    refused(
        manual + "[{'id': 'a', 'type': 'search', 'inputs': {'query': {'expr': 'item.title'}}}]}",
        "body.steps[0].inputs.query.expr",
        "reads item, which only a forEach step has");
    refused(
        manual + "[{'id': 'c', 'type': 'condition', 'if': '1 +', 'then': 'end'}]}",
        "body.steps[0].if",
        "does not compile");
    refused(
        manual + "[{'id': 'c', 'type': 'condition', 'if': 'true', 'then': 'end'}]}",
        "body.steps[0].else",
        "required");
    refused(
        manual
            + "[{'id': 'a', 'type': 'ask', 'inputs': {'question': 'q'},"
            + " 'retry': {'maxAttempts': 21}}]}",
        "body.steps[0].retry.maxAttempts",
        "1 to 20");
    refused(
        manual
            + "[{'id': 'a', 'type': 'ask', 'inputs': {'question': 'q'},"
            + " 'retry': {'maxDelay': 'P2D'}}]}",
        "body.steps[0].retry.maxDelay",
        "between");
    refused(
        manual + "[{'id': 'a', 'type': 'approval', 'timeout': 'P31D'}]}",
        "body.steps[0].timeout",
        "between");
    refused(
        manual + "[{'id': 'a', 'type': 'wait', 'inputs': {'duration': 'soon'}}]}",
        "body.steps[0].inputs.duration",
        "ISO-8601");
    refused(
        manual + "[{'id': 'a', 'type': 'notify', 'inputs': {'channel': 'pigeon', 'title': 't'}}]}",
        "body.steps[0].inputs.channel",
        "in-app, email or webhook");
    refused(
        manual + "[{'id': 'a', 'type': 'ask', 'inputs': {'question': 'q'}, 'onTimeout': 'end'}]}",
        "body.steps[0].onTimeout",
        "only approval and wait");
    refused(
        manual + "[{'id': 'g', 'type': 'generate', 'inputs': {'prompt': 'Write'}}]}",
        "body.steps[0].type",
        "needs a language model");
    String step = "'steps': [{'id': 'a', 'type': 'ask', 'inputs': {'question': 'q'}}]}";
    refused(
        "{'trigger': {'type': 'schedule', 'cron': '61 * * * *'}, " + step,
        "body.trigger.cron",
        "cron");
    refused(
        "{'trigger': {'type': 'schedule', 'cron': '0 9 * * MON', 'timeZone': 'Mars/Olympus'}, "
            + step,
        "body.trigger.timeZone",
        "IANA");
    refused(
        "{'trigger': {'type': 'schedule', 'cron': '0 9 * * *', 'missed': 'maybe'}, " + step,
        "body.trigger.missed",
        "skip or catch-up");
    refused(
        "{'trigger': {'type': 'event', 'event': 'io.smbcopilot.nothing.v1'}, " + step,
        "body.trigger.event",
        "one of");
  }

  @Test
  void aGenerateStepPassesWhenTheTenantHasAModel() throws Exception {
    Definition d =
        parse(
            "{'trigger': {'type': 'manual'}, 'steps': [{'id': 'g', 'type': 'generate',"
                + " 'inputs': {'prompt': 'Write a reply'}}]}");
    assertThatCode(() -> DefinitionValidator.check(d, WITH_MODEL)).doesNotThrowAnyException();
  }

  @Test
  void everyMistakeIsListedNotOnlyTheFirst() throws Exception {
    List<Problem.FieldError> all =
        errors(
            "{'trigger': {'type': 'manual'}, 'steps': [{'id': 'a', 'type': 'search'},"
                + " {'id': 'b', 'type': 'ask'}]}",
            EXTRACTIVE);
    assertThat(all)
        .extracting(Problem.FieldError::field)
        .containsExactlyInAnyOrder("body.steps[0].inputs.query", "body.steps[1].inputs.question");
  }

  @Test
  void expressionsAreCelEvaluatedOverTheRunsValues() throws Exception {
    var ast = Expressions.compile("size(steps.find.output.hits) > 1 && trigger.tag == 'invoice'");
    assertThat(Expressions.stepsRead(ast)).containsExactly("find");
    Map<String, Object> vars =
        Map.of(
            "trigger", Map.of("tag", "invoice"),
            "steps", Map.of("find", Map.of("output", Map.of("hits", List.of("x", "y")))),
            "item", Map.of(),
            "run", Map.of());
    assertThat(Expressions.evaluate(ast, vars)).isEqualTo(true);
    assertThat(Expressions.stepsRead(Expressions.compile("steps['other'].output")))
        .containsExactly("other");
    // bounded: a comprehension over more items than allowed fails instead of running on
    var huge = Expressions.compile("trigger.items.all(x, x > 0)");
    List<Long> many = java.util.Collections.nCopies(Expressions.MAX_ITERATIONS + 1, 1L);
    Map<String, Object> big =
        Map.of(
            "trigger", Map.of("items", many), "steps", Map.of(), "item", Map.of(), "run", Map.of());
    assertThat(
            catchThrowableOfType(Expressions.Failed.class, () -> Expressions.evaluate(huge, big)))
        .isNotNull();
  }
}
