package io.smbcopilot.workflow.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.security.PermissionsAllowed;
import io.smallrye.mutiny.Uni;
import io.smbcopilot.problem.Page;
import io.smbcopilot.problem.Paging;
import io.smbcopilot.problem.Problem;
import io.smbcopilot.problem.ProblemException;
import io.smbcopilot.problem.ProblemType;
import io.smbcopilot.security.Permission;
import io.smbcopilot.security.TenantContext;
import io.smbcopilot.workflow.repository.StepRunRepository;
import io.smbcopilot.workflow.repository.WorkflowRunRepository;
import io.smbcopilot.workflow.workflows.RunEngine;
import io.smbcopilot.workflow.workflows.WorkflowService;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Starting a workflow by hand, and its runs. */
@Path("/api/v1/workflows/{id}/runs")
@Tag(name = "workflows")
@Produces(MediaType.APPLICATION_JSON)
public class WorkflowRunResource {
  public record StartRequest(
      @Schema(description = "the run's input, a JSON object: what its expressions read as trigger")
          JsonNode input) {}

  private final WorkflowService workflows;
  private final RunEngine engine;
  private final WorkflowRunRepository runs;
  private final StepRunRepository steps;
  private final TenantContext context;
  private final ObjectMapper json;

  public WorkflowRunResource(
      WorkflowService workflows,
      RunEngine engine,
      WorkflowRunRepository runs,
      StepRunRepository steps,
      TenantContext context,
      ObjectMapper json) {
    this.workflows = workflows;
    this.engine = engine;
    this.runs = runs;
    this.steps = steps;
    this.context = context;
    this.json = json;
  }

  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  @PermissionsAllowed(Permission.Names.WORKFLOWS_RUN)
  @Operation(
      summary = "Start a workflow now",
      description =
          "The run's input is what its expressions read as trigger. With an Idempotency-Key, a"
              + " second start with the same key is the first run (200), not a new one.")
  @APIResponse(
      responseCode = "202",
      description =
          "started: its first step is queued, or, when it is a condition, wait or notify, taken"
              + " with the local steps after it (the run may have ended)",
      content = @Content(schema = @Schema(implementation = RunViews.RunView.class)))
  @APIResponse(
      responseCode = "200",
      description = "the run this Idempotency-Key started before",
      content = @Content(schema = @Schema(implementation = RunViews.RunView.class)))
  @APIResponse(responseCode = "404", description = "the tenant has no workflow of this id")
  @APIResponse(responseCode = "409", description = "the workflow is disabled")
  public Uni<Response> start(
      @PathParam("id") UUID id,
      @HeaderParam("Idempotency-Key") @Size(max = 200) String key,
      StartRequest request) {
    UUID tenant = context.tenantId();
    String user = context.subject();
    JsonNode input =
        request == null || request.input() == null || request.input().isNull()
            ? null
            : request.input();
    if (input != null && !input.isObject()) {
      throw new ProblemException(
          ProblemType.VALIDATION,
          "input must be a JSON object",
          List.of(new Problem.FieldError("input", "expected an object")));
    }
    return Panache.withTransaction(
            () ->
                workflows
                    .own(tenant, id)
                    .chain(
                        w -> {
                          if (!w.enabled) {
                            throw new ProblemException(
                                ProblemType.CONFLICT,
                                "the workflow " + id + " is disabled: enable it to run it");
                          }
                          // the version's definition as the engine read it before (a version
                          // never changes): no read and parse of it for every start
                          return engine
                              .definition(tenant, w.id, w.version)
                              .chain(
                                  definition ->
                                      engine.startOnce(w, definition, input, "manual", user, key));
                        }))
        // two starts with the same key at once: the second finds the first's run
        .onFailure(e -> key != null && io.smbcopilot.outbox.SqlErrors.uniqueViolation(e))
        .recoverWithUni(
            e ->
                Panache.withSession(() -> runs.byKey(tenant, id, key))
                    .map(earlier -> new RunEngine.Started(earlier, false, false)))
        .invoke(engine::wakeIfQueued)
        .map(started -> RunViews.answer(json, started).build());
  }

  @GET
  @WithSession
  @PermissionsAllowed(Permission.Names.WORKFLOWS_READ)
  @Operation(summary = "A workflow's runs, newest first (limit, cursor)")
  @APIResponse(responseCode = "200", description = "a page of runs")
  @APIResponse(responseCode = "404", description = "the tenant has no workflow of this id")
  public Uni<Page<RunViews.RunView>> list(
      @PathParam("id") UUID id,
      @QueryParam("limit") Integer limit,
      @QueryParam("cursor") String cursor) {
    int size = Paging.limit(limit);
    return workflows
        .own(context.tenantId(), id)
        .chain(w -> runs.page(context.tenantId(), w.id, Paging.decodeTime(cursor), size))
        .map(
            list ->
                Page.of(
                    list.stream().map(r -> RunViews.view(json, r, null)).toList(),
                    size,
                    r -> Paging.encode(new Paging.TimeCursor(r.createdAt(), r.id()))));
  }
}
