package io.smbcopilot.workflow.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smbcopilot.workflow.domain.JsonColumns;
import io.smbcopilot.workflow.domain.StepRun;
import io.smbcopilot.workflow.domain.WorkflowRun;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Runs and their steps as the API shows them. */
final class RunViews {
  private RunViews() {}

  public record StepView(
      int seq,
      String stepId,
      String type,
      @Schema(
              description =
                  "succeeded, failed, retrying (its next attempt is queued) or waiting (an"
                      + " approval)")
          String status,
      @Schema(description = "attempts made") int attempts,
      JsonNode input,
      JsonNode output,
      @Schema(description = "the last attempt's error") String error,
      @Schema(description = "what kind of error: timeout, connection, http.503, input, ...")
          String errorCode,
      @Schema(description = "retrying: when the next attempt is due") OffsetDateTime nextAttemptAt,
      OffsetDateTime startedAt,
      OffsetDateTime finishedAt) {}

  public record RunView(
      UUID id,
      UUID workflowId,
      @Schema(description = "the workflow's version it runs") int version,
      @Schema(description = "running, waiting (for an approval), succeeded, failed or cancelled")
          String status,
      @Schema(description = "how it started: manual, schedule, event or webhook")
          String triggerType,
      @Schema(description = "what its expressions read as trigger") JsonNode trigger,
      String startedBy,
      String error,
      OffsetDateTime createdAt,
      OffsetDateTime finishedAt,
      @Schema(description = "the steps taken, in order (in the history of one run only)")
          List<StepView> steps) {}

  /** A start's answer: 202 with a new run, 200 with the run its idempotency key started. */
  static jakarta.ws.rs.core.Response.ResponseBuilder answer(
      ObjectMapper json, io.smbcopilot.workflow.workflows.RunEngine.Started started) {
    return started.fresh()
        ? jakarta.ws.rs.core.Response.accepted(view(json, started.run(), null))
        : jakarta.ws.rs.core.Response.ok(view(json, started.run(), null));
  }

  static RunView view(ObjectMapper json, WorkflowRun r, List<StepRun> taken) {
    return new RunView(
        r.id,
        r.workflowId,
        r.version,
        r.status,
        r.triggerType,
        JsonColumns.read(json, r.triggerData),
        r.startedBy,
        r.error,
        r.createdAt,
        r.finishedAt,
        taken == null
            ? null
            : taken.stream()
                .map(
                    s ->
                        new StepView(
                            s.seq,
                            s.stepId,
                            s.type,
                            s.status,
                            s.attempts,
                            JsonColumns.read(json, s.input),
                            JsonColumns.read(json, s.output),
                            s.error,
                            s.errorCode,
                            s.nextAttemptAt,
                            s.startedAt,
                            s.finishedAt))
                .toList());
  }
}
