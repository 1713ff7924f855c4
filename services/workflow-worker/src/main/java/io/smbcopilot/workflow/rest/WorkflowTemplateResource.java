package io.smbcopilot.workflow.rest;

import io.quarkus.security.PermissionsAllowed;
import io.smbcopilot.security.Permission;
import io.smbcopilot.workflow.workflows.Templates;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The workflow templates that ship with the platform; a workflow is made from one with {@code POST
 * /api/v1/workflows} {@code {"name", "template", "parameters"}}.
 */
@Path("/api/v1/workflow-templates")
@Tag(name = "workflows")
@Produces(MediaType.APPLICATION_JSON)
public class WorkflowTemplateResource {
  private final Templates templates;

  public WorkflowTemplateResource(Templates templates) {
    this.templates = templates;
  }

  @GET
  @PermissionsAllowed(Permission.Names.WORKFLOWS_READ)
  @Operation(summary = "The workflow templates, with the parameters each needs")
  @APIResponse(responseCode = "200", description = "the templates")
  public List<Templates.Template> list() {
    return templates.all();
  }

  @GET
  @Path("/{id}")
  @PermissionsAllowed(Permission.Names.WORKFLOWS_READ)
  @Operation(summary = "One workflow template")
  @APIResponse(responseCode = "200", description = "the template")
  @APIResponse(responseCode = "404", description = "no template has this id")
  public Templates.Template get(@PathParam("id") String id) {
    return templates.get(id);
  }
}
