package io.smbcopilot.auth.rest;

import io.quarkus.security.PermissionsAllowed;
import io.smallrye.mutiny.Uni;
import io.smbcopilot.auth.service.Actor;
import io.smbcopilot.auth.service.ApiKeyService;
import io.smbcopilot.security.Permission;
import io.smbcopilot.security.TenantContext;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/api/v1/api-keys")
@Tag(name = "identity")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
@PermissionsAllowed(Permission.Names.API_KEYS_MANAGE)
public class ApiKeyResource {
  public record CreateKey(
      @NotBlank @Size(max = 100) String name,
      @NotNull @Size(min = 1, max = 20) List<String> scopes,
      OffsetDateTime expiresAt) {}

  public record KeyView(
      UUID id,
      String name,
      String prefix,
      List<String> scopes,
      String status,
      String createdBy,
      OffsetDateTime createdAt,
      OffsetDateTime expiresAt,
      OffsetDateTime lastUsedAt,
      OffsetDateTime revokedAt,
      String secret) {
    static KeyView of(ApiKeyService.ApiKey key) {
      return new KeyView(
          key.id(),
          key.name(),
          key.prefix(),
          key.scopes(),
          key.status(),
          key.createdBy(),
          key.createdAt(),
          key.expiresAt(),
          key.lastUsedAt(),
          key.revokedAt(),
          key.secret());
    }
  }

  private final ApiKeyService keys;
  private final TenantContext context;

  public ApiKeyResource(ApiKeyService keys, TenantContext context) {
    this.keys = keys;
    this.context = context;
  }

  @GET
  @Operation(summary = "The tenant's API keys (never their secrets)")
  @APIResponse(responseCode = "200", description = "the keys, newest first")
  public Uni<List<KeyView>> list() {
    return keys.list(context.tenantId()).map(found -> found.stream().map(KeyView::of).toList());
  }

  @GET
  @Path("/{id}")
  @Operation(summary = "One API key")
  @APIResponse(responseCode = "200", description = "the key")
  @APIResponse(responseCode = "404", description = "no such key")
  public Uni<KeyView> get(@PathParam("id") UUID id) {
    return keys.get(context.tenantId(), id).map(KeyView::of);
  }

  @POST
  @Operation(
      summary = "Create an API key with scopes within your own permissions",
      description = "The answer's secret is the key; it is shown this once and stored only hashed.")
  @APIResponse(
      responseCode = "201",
      description = "created, with its secret (shown this once)",
      content = @Content(schema = @Schema(implementation = KeyView.class)))
  @APIResponse(responseCode = "400", description = "unknown scope or an expiry in the past")
  @APIResponse(responseCode = "403", description = "a scope you lack")
  public Uni<Response> create(@NotNull @Valid CreateKey request) {
    return keys.create(
            context.tenantId(),
            Actor.of(context),
            Set.copyOf(context.token().permissions()),
            request.name(),
            request.scopes(),
            request.expiresAt())
        .map(
            key ->
                Response.created(URI.create("/api/v1/api-keys/" + key.id()))
                    .entity(KeyView.of(key))
                    .build());
  }

  @DELETE
  @Path("/{id}")
  @Operation(summary = "Revoke an API key; every gateway refuses it within 5 seconds")
  @APIResponse(responseCode = "204", description = "revoked")
  @APIResponse(responseCode = "404", description = "no such key")
  public Uni<Void> revoke(@PathParam("id") UUID id) {
    return keys.revoke(context.tenantId(), Actor.of(context), id);
  }
}
