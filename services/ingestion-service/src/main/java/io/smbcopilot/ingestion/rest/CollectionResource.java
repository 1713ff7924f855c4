package io.smbcopilot.ingestion.rest;

import io.quarkus.security.PermissionsAllowed;
import io.smallrye.mutiny.Uni;
import io.smbcopilot.ingestion.service.Caller;
import io.smbcopilot.ingestion.service.CollectionService;
import io.smbcopilot.security.Permission;
import io.smbcopilot.security.TenantContext;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/api/v1/collections")
@Tag(name = "knowledge")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class CollectionResource {
  public record CreateCollection(
      @NotBlank @Size(max = 80) String name,
      @Size(max = 500) String description,
      List<@NotBlank String> readRoles,
      List<@NotBlank String> readUsers,
      List<@NotBlank String> writeRoles,
      List<@NotBlank String> writeUsers) {}

  /** Only the fields present change. */
  public record UpdateCollection(
      @Size(max = 500) String description,
      List<@NotBlank String> readRoles,
      List<@NotBlank String> readUsers,
      List<@NotBlank String> writeRoles,
      List<@NotBlank String> writeUsers) {}

  private final CollectionService collections;
  private final TenantContext context;

  public CollectionResource(CollectionService collections, TenantContext context) {
    this.collections = collections;
    this.context = context;
  }

  @GET
  @PermissionsAllowed(Permission.Names.DOCUMENTS_READ)
  @Operation(summary = "The collections you may read (a tenant starts with general)")
  @APIResponse(responseCode = "200", description = "the collections")
  public Uni<List<CollectionService.Collection>> list() {
    return collections.readable(Caller.of(context));
  }

  @GET
  @Path("/{idOrName}")
  @PermissionsAllowed(Permission.Names.DOCUMENTS_READ)
  @Operation(summary = "One collection, by id or name")
  @APIResponse(responseCode = "200", description = "the collection")
  @APIResponse(responseCode = "404", description = "no such collection you may read")
  public Uni<CollectionService.Collection> get(@PathParam("idOrName") String idOrName) {
    return collections.readableOne(Caller.of(context), idOrName);
  }

  @POST
  @PermissionsAllowed(Permission.Names.DOCUMENTS_WRITE)
  @Operation(
      summary = "Create a collection, optionally restricted to some roles or users",
      description =
          "Empty read (write) lists: everyone of the tenant with documents:read (documents:write)."
              + " Owners and admins may always.")
  @APIResponse(
      responseCode = "201",
      description = "created",
      content = @Content(schema = @Schema(implementation = CollectionService.Collection.class)))
  @APIResponse(responseCode = "400", description = "bad name")
  @APIResponse(responseCode = "409", description = "the name is taken")
  public Uni<Response> create(@NotNull @Valid CreateCollection request) {
    return collections
        .create(
            Caller.of(context),
            request.name().trim(),
            request.description(),
            request.readRoles(),
            request.readUsers(),
            request.writeRoles(),
            request.writeUsers())
        .map(c -> Response.created(URI.create("/api/v1/collections/" + c.id())).entity(c).build());
  }

  @PATCH
  @Path("/{idOrName}")
  @PermissionsAllowed(Permission.Names.DOCUMENTS_WRITE)
  @Operation(
      summary = "Change a collection's description or who may read and write it",
      description = "Owners and admins only. Search applies the new access at once.")
  @APIResponse(responseCode = "200", description = "the collection as it is now")
  @APIResponse(responseCode = "403", description = "not an owner or admin")
  @APIResponse(responseCode = "404", description = "no such collection you may read")
  public Uni<CollectionService.Collection> update(
      @PathParam("idOrName") String idOrName, @NotNull @Valid UpdateCollection request) {
    return collections.update(
        Caller.of(context),
        idOrName,
        request.description(),
        request.readRoles(),
        request.readUsers(),
        request.writeRoles(),
        request.writeUsers());
  }

  @DELETE
  @Path("/{idOrName}")
  @PermissionsAllowed(Permission.Names.DOCUMENTS_WRITE)
  @Operation(
      summary = "Delete a collection with its documents, chunks and vectors",
      description = "Owners and admins only; general cannot be deleted.")
  @APIResponse(responseCode = "204", description = "deleted")
  @APIResponse(responseCode = "403", description = "not an owner or admin")
  @APIResponse(responseCode = "404", description = "no such collection you may read")
  @APIResponse(responseCode = "409", description = "general cannot be deleted")
  public Uni<Void> delete(@PathParam("idOrName") String idOrName) {
    return collections.delete(Caller.of(context), idOrName);
  }
}
