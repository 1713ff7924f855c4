package io.smbcopilot.workflow.workflows;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * A workflow's definition (one version of it): what starts a run and the steps it takes. Stored as
 * JSON, validated when saved ({@link DefinitionValidator}).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Definition(
    @Schema(description = "what starts a run") Trigger trigger,
    @Schema(description = "the steps, the first one first") List<Step> steps) {

  /** The step types. */
  public static final List<String> STEP_TYPES =
      List.of(
          "search",
          "ask",
          "summarize",
          "extract",
          "generate",
          "condition",
          "approval",
          "notify",
          "http",
          "wait",
          "report");

  /** The trigger types. */
  public static final List<String> TRIGGER_TYPES =
      List.of("manual", "schedule", "event", "webhook");

  /** Where a step's {@code next} (or a branch) ends the run. */
  public static final String END = "end";

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Trigger(
      @Schema(description = "manual, schedule, event or webhook", required = true) String type,
      @Schema(description = "schedule: a five-field cron expression, e.g. 0 9 * * MON") String cron,
      @Schema(description = "schedule: the IANA time zone the cron is read in (default UTC)")
          String timeZone,
      @Schema(
              description =
                  "schedule: skip (default) or catch-up, for fire times missed while down")
          String missed,
      @Schema(
              description =
                  "event: the platform event type, e.g. io.smbcopilot.document.indexed.v1")
          String event,
      @Schema(description = "event: only documents of this collection (its id)") String collection,
      @Schema(description = "event: only documents with this tag") String tag,
      @Schema(description = "event: only documents of this media type, e.g. message/rfc822")
          String mediaType) {}

  /**
   * One step. Inputs are JSON values; an object {@code {"expr": "<CEL>"}} is an expression over
   * {@code trigger}, {@code steps.<id>.output} of earlier steps, {@code item} (in a loop) and
   * {@code run}.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Step(
      @Schema(
              description = "unique in the workflow: a letter, then letters, digits or _",
              required = true)
          String id,
      @Schema(
              description =
                  "search, ask, summarize, extract, generate, condition, approval, notify, http, wait or report",
              required = true)
          String type,
      @Schema(description = "the step's inputs: JSON values, or {\"expr\": \"<CEL>\"}")
          Map<String, JsonNode> inputs,
      @Schema(
              description =
                  "the step after this one: a step id or end (default: the next in the list)")
          String next,
      @Schema(description = "condition: a CEL expression giving true or false") @JsonProperty("if")
          String condition,
      @Schema(description = "condition: the step when true") String then,
      @Schema(description = "condition: the step when false") @JsonProperty("else")
          String otherwise,
      @Schema(description = "a CEL expression giving a list: the step runs once per item (item)")
          String forEach,
      @Schema(description = "how a failed attempt is tried again") Retry retry,
      @Schema(
              description =
                  "how long one attempt may take (ISO-8601, e.g. PT30S); approvals and waits: how long they wait")
          String timeout,
      @Schema(description = "approval and wait: the step taken when the timeout passes")
          String onTimeout) {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Retry(
      @Schema(description = "attempts in all, 1 to 20 (default 3)") Integer maxAttempts,
      @Schema(description = "pause after the first failure (ISO-8601, default PT1S)")
          String initialDelay,
      @Schema(description = "longest pause, at most P1D (default PT5M)") String maxDelay,
      @Schema(description = "error codes not tried again") List<String> nonRetryable) {}
}
