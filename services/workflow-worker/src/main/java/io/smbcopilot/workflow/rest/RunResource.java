package io.smbcopilot.workflow.rest;

import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.security.PermissionsAllowed;
import io.smallrye.mutiny.Uni;
import io.smbcopilot.problem.ProblemException;
import io.smbcopilot.security.Permission;
import io.smbcopilot.security.TenantContext;
import io.smbcopilot.workflow.repository.StepRunRepository;
import io.smbcopilot.workflow.repository.WorkflowRunRepository;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
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

  public RunResource(
      com.fasterxml.jackson.databind.ObjectMapper json,
      WorkflowRunRepository runs,
      StepRunRepository steps,
      TenantContext context) {
    this.json = json;
    this.runs = runs;
    this.steps = steps;
    this.context = context;
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
