package io.smbcopilot.workflow.rest;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.security.PermissionsAllowed;
import io.smallrye.mutiny.Uni;
import io.smbcopilot.problem.ProblemException;
import io.smbcopilot.security.Permission;
import io.smbcopilot.security.TenantContext;
import io.smbcopilot.workflow.repository.StepRunRepository;
import io.smbcopilot.workflow.repository.WorkflowRunRepository;
import io.smbcopilot.workflow.workflows.RunEngine;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
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

  @POST
  @Path("/{id}/retry")
  @PermissionsAllowed(Permission.Names.WORKFLOWS_RUN)
  @Operation(
      summary = "Resume a failed run from the step that failed it",
      description =
          "The steps before it keep their results and are not run again; the failed step gets its"
              + " whole retry policy again. The run is running again (202).")
  @APIResponse(responseCode = "202", description = "resumed: the failed step is queued")
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
      summary = "Cancel a running run",
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
