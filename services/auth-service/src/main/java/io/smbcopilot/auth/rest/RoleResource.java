package io.smbcopilot.auth.rest;

import io.quarkus.security.PermissionsAllowed;
import io.smallrye.mutiny.Uni;
import io.smbcopilot.auth.service.Actor;
import io.smbcopilot.auth.service.RoleService;
import io.smbcopilot.security.Permission;
import io.smbcopilot.security.TenantContext;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/api/v1/roles")
@Tag(name = "identity")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
@PermissionsAllowed(Permission.Names.MEMBERS_MANAGE)
public class RoleResource {
  public record RoleRequest(
      @Size(max = 40) String name,
      @Size(max = 200) String description,
      @NotNull List<String> permissions) {}

  private final RoleService roles;
  private final TenantContext context;

  public RoleResource(RoleService roles, TenantContext context) {
    this.roles = roles;
    this.context = context;
  }

  @GET
  @Operation(summary = "Built-in and custom roles, with their permissions")
  @APIResponse(responseCode = "200", description = "the roles")
  public Uni<List<RoleService.Role>> list() {
    return roles.list(context.tenantId());
  }

  @GET
  @Path("/permissions")
  @Operation(summary = "The permission catalog roles and API key scopes are built from")
  @APIResponse(responseCode = "200", description = "every permission")
  public List<String> permissions() {
    return Arrays.stream(Permission.values()).map(Permission::value).toList();
  }

  @GET
  @Path("/{name}")
  @Operation(summary = "One role")
  @APIResponse(responseCode = "200", description = "the role")
  @APIResponse(responseCode = "404", description = "no such role")
  public Uni<RoleService.Role> get(@PathParam("name") String name) {
    return roles.get(context.tenantId(), name);
  }

  @POST
  @Operation(summary = "Create a custom role from the permission catalog")
  @APIResponse(
      responseCode = "201",
      description = "created",
      content = @Content(schema = @Schema(implementation = RoleService.Role.class)))
  @APIResponse(responseCode = "400", description = "bad name or unknown permission")
  @APIResponse(responseCode = "403", description = "a permission you lack")
  @APIResponse(responseCode = "409", description = "the name is taken")
  public Uni<Response> create(@NotNull @Valid RoleRequest request) {
    return roles
        .create(
            context.tenantId(),
            Actor.of(context),
            Set.copyOf(context.token().permissions()),
            request.name(),
            request.description(),
            request.permissions())
        .map(
            role ->
                Response.created(URI.create("/api/v1/roles/" + role.name())).entity(role).build());
  }

  @PUT
  @Path("/{name}")
  @Operation(summary = "Change a custom role's permissions or description")
  @APIResponse(responseCode = "200", description = "changed")
  @APIResponse(responseCode = "404", description = "no such role")
  @APIResponse(responseCode = "409", description = "built-in roles do not change")
  public Uni<RoleService.Role> update(
      @PathParam("name") String name, @NotNull @Valid RoleRequest request) {
    return roles.update(
        context.tenantId(),
        Actor.of(context),
        Set.copyOf(context.token().permissions()),
        name,
        request.description(),
        request.permissions());
  }

  @DELETE
  @Path("/{name}")
  @Operation(summary = "Delete a custom role nobody holds")
  @APIResponse(responseCode = "204", description = "deleted")
  @APIResponse(responseCode = "404", description = "no such role")
  @APIResponse(responseCode = "409", description = "built-in, or still held by members")
  public Uni<Void> delete(@PathParam("name") String name) {
    return roles.delete(context.tenantId(), Actor.of(context), name);
  }
}
