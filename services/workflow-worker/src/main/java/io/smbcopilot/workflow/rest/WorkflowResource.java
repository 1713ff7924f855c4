package io.smbcopilot.workflow.rest;

import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.quarkus.security.PermissionsAllowed;
import io.smallrye.mutiny.Uni;
import io.smbcopilot.problem.Page;
import io.smbcopilot.problem.Paging;
import io.smbcopilot.problem.ProblemException;
import io.smbcopilot.security.Permission;
import io.smbcopilot.security.TenantContext;
import io.smbcopilot.workflow.domain.Workflow;
import io.smbcopilot.workflow.domain.WorkflowVersion;
import io.smbcopilot.workflow.repository.WorkflowVersionRepository;
import io.smbcopilot.workflow.workflows.Definition;
import io.smbcopilot.workflow.workflows.Schedules;
import io.smbcopilot.workflow.workflows.Templates;
import io.smbcopilot.workflow.workflows.WorkflowService;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The tenant's workflows: definitions with a trigger and steps, validated when saved; a change of
 * definition is a new version (runs keep the version they started with).
 */
@Path("/api/v1/workflows")
@Tag(name = "workflows")
@Produces(MediaType.APPLICATION_JSON)
public class WorkflowResource {
  public record WorkflowRequest(
      @NotBlank @Size(max = 200) String name,
      @Size(max = 2000) String description,
      @Schema(description = "new runs start (default true)") Boolean enabled,
      @Schema(description = "the definition; or template with its parameters")
          Definition definition,
      @Schema(
              description =
                  "a template's id (/api/v1/workflow-templates), in place of a definition")
          String template,
      @Schema(description = "the template's parameters by name") Map<String, String> parameters) {
    /** The definition given, or the template's with its parameters filled in. */
    Definition definition(Templates templates) {
      if (definition != null && template != null) {
        throw ProblemException.invalid(
            "body.template", "give a definition or a template, not both");
      }
      if (template != null) {
        return templates.fill(template, parameters);
      }
      if (definition == null) {
        throw ProblemException.invalid(
            "body.definition", "is required (or a template from /api/v1/workflow-templates)");
      }
      return definition;
    }
  }

  public record WorkflowChange(
      @Size(min = 1, max = 200) String name,
      @Size(max = 2000) String description,
      @Schema(description = "false: no trigger starts a run") Boolean enabled) {}

  /** A webhook trigger's address and, only in the answer that made it, its secret. */
  public record Webhook(
      @Schema(description = "the path to POST to, under the API's base URL") String url,
      @Schema(
              description =
                  "whsec_...: signs the calls (Standard Webhooks); shown once, when it is made")
          String secret) {}

  public record WorkflowView(
      UUID id,
      String name,
      String description,
      boolean enabled,
      @Schema(description = "the current version: what new runs run") int version,
      @Schema(description = "whose permissions its runs have") String ownerId,
      OffsetDateTime createdAt,
      OffsetDateTime updatedAt,
      @Schema(description = "the definition of the version shown") Definition definition,
      @Schema(
              description =
                  "a schedule's next five fire times, in its time zone (whether or not the"
                      + " workflow is enabled)")
          List<OffsetDateTime> nextFireTimes,
      @Schema(description = "a webhook trigger: where to call it, and its secret when just made")
          Webhook webhook) {
    static WorkflowView of(WorkflowService.Versioned v, java.time.Instant now) {
      return of(v, now, null);
    }

    static WorkflowView of(WorkflowService.Versioned v, java.time.Instant now, String secret) {
      Workflow w = v.workflow();
      Definition.Trigger trigger = v.definition().trigger();
      return new WorkflowView(
          w.id,
          w.name,
          w.description,
          w.enabled,
          v.version().version,
          w.ownerId,
          w.createdAt,
          w.updatedAt,
          v.definition(),
          trigger != null && "schedule".equals(trigger.type())
              ? Schedules.next(trigger, now, 5)
              : null,
          trigger != null && "webhook".equals(trigger.type())
              ? new Webhook(WorkflowService.webhookPath(w.id), secret)
              : null);
    }
  }

  public record WorkflowSummary(
      UUID id,
      String name,
      String description,
      boolean enabled,
      int version,
      String ownerId,
      OffsetDateTime createdAt,
      OffsetDateTime updatedAt) {
    static WorkflowSummary of(Workflow w) {
      return new WorkflowSummary(
          w.id, w.name, w.description, w.enabled, w.version, w.ownerId, w.createdAt, w.updatedAt);
    }
  }

  public record VersionView(int version, String createdBy, OffsetDateTime createdAt) {
    static VersionView of(WorkflowVersion v) {
      return new VersionView(v.version, v.createdBy, v.createdAt);
    }
  }

  private final WorkflowService service;
  private final Templates templates;
  private final WorkflowVersionRepository versions;
  private final io.smbcopilot.workflow.repository.WorkflowRepository workflows;
  private final TenantContext context;

  private final io.smbcopilot.workflow.workflows.WorkflowClock clock;

  public WorkflowResource(
      WorkflowService service,
      Templates templates,
      WorkflowVersionRepository versions,
      io.smbcopilot.workflow.repository.WorkflowRepository workflows,
      TenantContext context,
      io.smbcopilot.workflow.workflows.WorkflowClock clock) {
    this.clock = clock;
    this.service = service;
    this.templates = templates;
    this.versions = versions;
    this.workflows = workflows;
    this.context = context;
  }

  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  @WithTransaction
  @PermissionsAllowed(Permission.Names.WORKFLOWS_MANAGE)
  @Operation(
      summary = "Create a workflow, from a definition or a template",
      description =
          "Its runs act with your permissions, checked again at each step. The definition is"
              + " checked first: every mistake is named with its field. With template and"
              + " parameters in place of definition, the template's definition is used.")
  @APIResponse(
      responseCode = "201",
      description = "created, at version 1",
      content = @Content(schema = @Schema(implementation = WorkflowView.class)))
  @APIResponse(
      responseCode = "400",
      description =
          "an invalid definition: unknown types, missing inputs, references to no step, cycles,"
              + " expressions that do not compile, limits passed")
  public Uni<Response> create(@NotNull @Valid WorkflowRequest request) {
    return service
        .create(
            context.tenantId(),
            context.subject(),
            request.name(),
            request.description(),
            request.enabled() == null || request.enabled(),
            request.definition(templates))
        .map(
            v ->
                Response.status(201)
                    .entity(
                        WorkflowView.of(
                            v,
                            clock.now(),
                            service.webhookSecret(v.workflow(), v.definition(), false)))
                    .build());
  }

  @GET
  @WithSession
  @PermissionsAllowed(Permission.Names.WORKFLOWS_READ)
  @Operation(summary = "The tenant's workflows, newest first (limit, cursor)")
  @APIResponse(responseCode = "200", description = "a page of workflows")
  public Uni<Page<WorkflowSummary>> list(
      @QueryParam("limit") Integer limit, @QueryParam("cursor") String cursor) {
    int size = Paging.limit(limit);
    return workflows
        .page(context.tenantId(), Paging.decodeTime(cursor), size)
        .map(
            list ->
                Page.of(
                    list.stream().map(WorkflowSummary::of).toList(),
                    size,
                    w -> Paging.encode(new Paging.TimeCursor(w.createdAt(), w.id()))));
  }

  @GET
  @Path("/{id}")
  @WithSession
  @PermissionsAllowed(Permission.Names.WORKFLOWS_READ)
  @Operation(summary = "A workflow with its current definition")
  @APIResponse(responseCode = "200", description = "the workflow")
  @APIResponse(responseCode = "404", description = "the tenant has no workflow of this id")
  public Uni<WorkflowView> get(@PathParam("id") UUID id) {
    return service.get(context.tenantId(), id, null).map(v -> WorkflowView.of(v, clock.now()));
  }

  @PUT
  @Path("/{id}")
  @Consumes(MediaType.APPLICATION_JSON)
  @WithTransaction
  @PermissionsAllowed(Permission.Names.WORKFLOWS_MANAGE)
  @Operation(
      summary = "Change a workflow's definition: a new version",
      description = "Runs already started keep the version they started with.")
  @APIResponse(responseCode = "200", description = "the new version")
  @APIResponse(responseCode = "400", description = "an invalid definition")
  @APIResponse(responseCode = "404", description = "the tenant has no workflow of this id")
  public Uni<WorkflowView> update(
      @PathParam("id") UUID id, @NotNull @Valid WorkflowRequest request) {
    return service
        .update(
            context.tenantId(),
            id,
            context.subject(),
            request.name(),
            request.description(),
            request.definition(templates))
        .call(
            v -> {
              if (request.enabled() != null) {
                v.workflow().enabled = request.enabled();
              }
              return service.resync(v.workflow());
            })
        .map(
            v ->
                WorkflowView.of(
                    v, clock.now(), service.webhookSecret(v.workflow(), v.definition(), false)));
  }

  @PATCH
  @Path("/{id}")
  @Consumes(MediaType.APPLICATION_JSON)
  @WithTransaction
  @PermissionsAllowed(Permission.Names.WORKFLOWS_MANAGE)
  @Operation(summary = "Rename, describe, enable or disable a workflow (no new version)")
  @APIResponse(responseCode = "200", description = "changed")
  @APIResponse(responseCode = "404", description = "the tenant has no workflow of this id")
  public Uni<WorkflowSummary> change(
      @PathParam("id") UUID id, @NotNull @Valid WorkflowChange change) {
    return service
        .own(context.tenantId(), id)
        .map(
            w -> {
              if (change.name() != null) {
                w.name = change.name().trim();
              }
              if (change.description() != null) {
                w.description = change.description();
              }
              if (change.enabled() != null) {
                w.enabled = change.enabled();
              }
              w.updatedAt = OffsetDateTime.now(ZoneOffset.UTC);
              return w;
            })
        .call(service::resync)
        .map(WorkflowSummary::of);
  }

  @GET
  @Path("/{id}/versions")
  @WithSession
  @PermissionsAllowed(Permission.Names.WORKFLOWS_READ)
  @Operation(summary = "A workflow's versions, newest first")
  @APIResponse(responseCode = "200", description = "the versions")
  @APIResponse(responseCode = "404", description = "the tenant has no workflow of this id")
  public Uni<List<VersionView>> versions(@PathParam("id") UUID id) {
    return service
        .own(context.tenantId(), id)
        .chain(w -> versions.all(context.tenantId(), w.id))
        .map(list -> list.stream().map(VersionView::of).toList());
  }

  @GET
  @Path("/{id}/versions/{version}")
  @WithSession
  @PermissionsAllowed(Permission.Names.WORKFLOWS_READ)
  @Operation(summary = "A workflow with the definition of one of its versions")
  @APIResponse(responseCode = "200", description = "the workflow at that version")
  @APIResponse(responseCode = "404", description = "no such workflow or version")
  public Uni<WorkflowView> version(@PathParam("id") UUID id, @PathParam("version") int version) {
    return service.get(context.tenantId(), id, version).map(v -> WorkflowView.of(v, clock.now()));
  }

  @POST
  @Path("/{id}/webhook-secret")
  @WithTransaction
  @PermissionsAllowed(Permission.Names.WORKFLOWS_MANAGE)
  @Operation(
      summary = "A new secret for the workflow's webhook trigger",
      description =
          "The old secret stops signing at once. The new one is in this answer only: keep it"
              + " where the caller signs its calls.")
  @APIResponse(responseCode = "200", description = "the webhook's address and new secret")
  @APIResponse(responseCode = "404", description = "the tenant has no workflow of this id")
  @APIResponse(responseCode = "409", description = "the workflow has no webhook trigger")
  public Uni<Webhook> renewWebhookSecret(@PathParam("id") UUID id) {
    return service
        .get(context.tenantId(), id, null)
        .map(
            v ->
                new Webhook(
                    WorkflowService.webhookPath(id),
                    service.webhookSecret(v.workflow(), v.definition(), true)));
  }

  @DELETE
  @Path("/{id}")
  @WithTransaction
  @PermissionsAllowed(Permission.Names.WORKFLOWS_MANAGE)
  @Operation(
      summary = "Delete a workflow",
      description = "No trigger starts it again; its past runs stay in the history.")
  @APIResponse(responseCode = "204", description = "deleted")
  @APIResponse(responseCode = "404", description = "the tenant has no workflow of this id")
  public Uni<Response> delete(@PathParam("id") UUID id) {
    return service
        .own(context.tenantId(), id)
        .map(
            w -> {
              OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
              w.deletedAt = now;
              w.enabled = false;
              w.updatedAt = now;
              return w;
            })
        .call(service::resync)
        .map(w -> Response.noContent().build());
  }
}
