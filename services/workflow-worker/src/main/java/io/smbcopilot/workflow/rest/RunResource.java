package io.smbcopilot.workflow.rest;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.security.PermissionsAllowed;
import io.smallrye.mutiny.Uni;
import io.smbcopilot.problem.ProblemException;
import io.smbcopilot.security.Permission;
import io.smbcopilot.security.TenantContext;
import io.smbcopilot.workflow.domain.JsonColumns;
import io.smbcopilot.workflow.repository.StepRunRepository;
import io.smbcopilot.workflow.repository.WorkflowRunRepository;
import io.smbcopilot.workflow.workflows.RunEngine;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** A run's history: each step's input, output, attempts, timings and error. */
@Path("/api/v1/runs")
@Tag(name = "workflows")
@Produces(MediaType.APPLICATION_JSON)
public class RunResource {
  private final com.fasterxml.jackson.databind.ObjectMapper json;
  private final WorkflowRunRepository runs;
  private final StepRunRepository steps;
  private final TenantContext context;
  private final RunEngine engine;

  public RunResource(
      com.fasterxml.jackson.databind.ObjectMapper json,
      WorkflowRunRepository runs,
      StepRunRepository steps,
      TenantContext context,
      RunEngine engine) {
    this.json = json;
    this.runs = runs;
    this.steps = steps;
    this.context = context;
    this.engine = engine;
  }

  /** A decision on the approval a run waits for. */
  public record Decision(
      @Schema(description = "approve or reject", required = true)
          @NotNull
          @Pattern(regexp = "approve|reject", message = "must be approve or reject")
          String decision,
      @Schema(description = "why, for the run's history") @Size(max = 2000) String comment) {}

  /** An approval step of a run, waiting or decided. */
  public record ApprovalView(
      int seq,
      String stepId,
      @Schema(description = "waiting, succeeded (decided, or its timeout branch taken) or failed")
          String status,
      JsonNode approval) {}

  @GET
  @Path("/{id}/approvals")
  @WithSession
  @PermissionsAllowed(Permission.Names.WORKFLOWS_READ)
  @Operation(
      summary = "A run's approval steps: who may decide, until when, and what was decided",
      description =
          "Each approval's approvers, title, body and expiresAt; once decided, decision"
              + " (approved, rejected or timed-out), decidedBy, decidedAt and comment.")
  @APIResponse(responseCode = "200", description = "the run's approvals, in order")
  @APIResponse(responseCode = "404", description = "the tenant has no run of this id")
  public Uni<List<ApprovalView>> approvals(@PathParam("id") UUID id) {
    return runs.own(context.tenantId(), id)
        .onItem()
        .ifNull()
        .failWith(() -> ProblemException.notFound("run " + id))
        .chain(run -> steps.of(run.id))
        .map(
            taken ->
                taken.stream()
                    .filter(s -> "approval".equals(s.type) && s.output != null)
                    .map(
                        s ->
                            new ApprovalView(
                                s.seq, s.stepId, s.status, JsonColumns.read(json, s.output)))
                    .toList());
  }

  @POST
  @Path("/{id}/approvals")
  @Consumes(MediaType.APPLICATION_JSON)
  @PermissionsAllowed(Permission.Names.WORKFLOWS_RUN)
  @Operation(
      summary = "Approve or reject what the run waits for",
      description =
          "By one of the step's approvers, or a user who manages workflows. Approved, the run goes"
              + " on to the step's next; rejected, to its else, or it ends.")
  @APIResponse(responseCode = "200", description = "decided: the run goes on")
  @APIResponse(responseCode = "400", description = "the decision is not approve or reject")
  @APIResponse(responseCode = "403", description = "the caller is not one of the approvers")
  @APIResponse(responseCode = "404", description = "the tenant has no run of this id")
  @APIResponse(responseCode = "409", description = "the run does not wait for an approval")
  public Uni<RunViews.RunView> decide(@PathParam("id") UUID id, @NotNull @Valid Decision body) {
    return Panache.withTransaction(
            () ->
                engine.decide(
                    context.tenantId(),
                    id,
                    context.subject(),
                    context.has(Permission.WORKFLOWS_MANAGE),
                    "approve".equals(body.decision()),
                    body.comment()))
        .invoke(engine::wake)
        .map(run -> RunViews.view(json, run, null));
  }

  @POST
  @Path("/{id}/retry")
  @PermissionsAllowed(Permission.Names.WORKFLOWS_RUN)
  @Operation(
      summary = "Resume a failed run from the step that failed it",
      description =
          "The steps before it keep their results and are not run again; the failed step gets its"
              + " whole retry policy again. The run is running again (202).")
  @APIResponse(
      responseCode = "202",
      description = "resumed: the failed step is queued",
      content = @Content(schema = @Schema(implementation = RunViews.RunView.class)))
  @APIResponse(responseCode = "404", description = "the tenant has no run of this id")
  @APIResponse(responseCode = "409", description = "the run did not fail")
  public Uni<Response> retry(@PathParam("id") UUID id) {
    return Panache.withTransaction(() -> engine.resume(context.tenantId(), id))
        .invoke(engine::wake)
        .map(run -> Response.accepted(RunViews.view(json, run, null)).build());
  }

  @POST
  @Path("/{id}/cancel")
  @PermissionsAllowed(Permission.Names.WORKFLOWS_RUN)
  @Operation(
      summary = "Cancel a running run, or one waiting for an approval",
      description =
          "Its queued steps are not taken; a step at work when it is cancelled finishes, but its"
              + " result is not kept and nothing follows it.")
  @APIResponse(responseCode = "200", description = "cancelled")
  @APIResponse(responseCode = "404", description = "the tenant has no run of this id")
  @APIResponse(responseCode = "409", description = "the run is not running")
  public Uni<RunViews.RunView> cancel(@PathParam("id") UUID id) {
    return Panache.withTransaction(() -> engine.cancel(context.tenantId(), id, context.subject()))
        .map(run -> RunViews.view(json, run, null));
  }

  @GET
  @Path("/{id}")
  @WithSession
  @PermissionsAllowed(Permission.Names.WORKFLOWS_READ)
  @Operation(summary = "A run with each step's input, output, attempts, timings and error")
  @APIResponse(responseCode = "200", description = "the run")
  @APIResponse(responseCode = "404", description = "the tenant has no run of this id")
  public Uni<RunViews.RunView> get(@PathParam("id") UUID id) {
    return runs.own(context.tenantId(), id)
        .onItem()
        .ifNull()
        .failWith(() -> ProblemException.notFound("run " + id))
        .chain(run -> steps.of(run.id).map(list -> RunViews.view(json, run, list)));
  }
}
