package io.smbcopilot.auth.rest;

import io.smallrye.mutiny.Uni;
import io.smbcopilot.auth.service.ApiKeyService;
import io.smbcopilot.auth.service.PrincipalService;
import io.smbcopilot.problem.ProblemException;
import io.smbcopilot.problem.ProblemType;
import io.smbcopilot.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * What the gateway asks before it mints an internal token. Only platform services may call these;
 * the gateway never routes {@code /internal} from outside.
 */
@Path("/internal/v1")
@Tag(name = "internal")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.SERVICE)
public class InternalResource {
  public record VerifyKey(@NotBlank @Size(max = 200) String key) {}

  private final PrincipalService principals;
  private final ApiKeyService keys;

  public InternalResource(PrincipalService principals, ApiKeyService keys) {
    this.principals = principals;
    this.keys = keys;
  }

  @GET
  @Path("/principals/users/{userId}")
  @Operation(summary = "A signed-in user's tenant, plan, roles and permissions")
  @APIResponse(responseCode = "200", description = "the user's membership")
  @APIResponse(responseCode = "404", description = "the user belongs to no tenant")
  public Uni<PrincipalService.UserPrincipal> user(@PathParam("userId") String userId) {
    return principals
        .user(userId)
        .map(found -> found.orElseThrow(() -> ProblemException.notFound("membership")));
  }

  @POST
  @Path("/api-keys/verify")
  @Operation(summary = "Check an API key: its tenant, plan and scopes when it is valid")
  @APIResponse(responseCode = "200", description = "valid")
  @APIResponse(responseCode = "401", description = "unknown, revoked or expired")
  public Uni<ApiKeyService.VerifiedKey> verify(@NotNull @Valid VerifyKey request) {
    return keys.verify(request.key())
        .map(
            found ->
                found.orElseThrow(
                    () ->
                        new ProblemException(
                            ProblemType.UNAUTHORIZED, "the API key is not valid")));
  }
}
