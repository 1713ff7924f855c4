package io.smbcopilot.auth.rest;

import io.smallrye.mutiny.Uni;
import io.smbcopilot.auth.service.AccountService;
import io.smbcopilot.auth.service.Actor;
import io.smbcopilot.security.TenantContext;
import jakarta.annotation.security.PermitAll;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Public entry points: a business signs up; an invited person accepts. */
@Path("/api/v1")
@Tag(name = "identity")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
@PermitAll
public class SignupResource {
  public record SignupRequest(
      @NotBlank @Size(max = 100) String tenantName,
      @NotBlank @Email @Size(max = 254) String email,
      @NotBlank @Size(max = 128) String password,
      @NotBlank @Size(max = 100) String displayName) {}

  public record AcceptInvitationRequest(
      @NotBlank @Size(max = 200) String token,
      @NotBlank @Size(max = 128) String password,
      @NotBlank @Size(max = 100) String displayName) {}

  public record AccountCreated(UUID tenantId, String userId, String email, String role) {}

  private final AccountService accounts;
  private final TenantContext context;

  public SignupResource(AccountService accounts, TenantContext context) {
    this.accounts = accounts;
    this.context = context;
  }

  @POST
  @Path("/signup")
  @Operation(summary = "Sign up: a new tenant, its owner's account and membership")
  @APIResponse(
      responseCode = "201",
      description = "created; sign in with the email and password",
      content = @Content(schema = @Schema(implementation = AccountCreated.class)))
  @APIResponse(responseCode = "400", description = "invalid input or a password the policy refuses")
  @APIResponse(responseCode = "409", description = "the email already has an account")
  @APIResponse(responseCode = "503", description = "the identity provider cannot be reached")
  public Uni<Response> signup(@NotNull @Valid SignupRequest request) {
    return accounts
        .signup(
            request.tenantName(),
            request.email(),
            request.password(),
            request.displayName().trim(),
            Actor.of(context))
        .map(SignupResource::created);
  }

  @POST
  @Path("/invitations/accept")
  @Operation(summary = "Accept an invitation: the invited person's account joins the tenant")
  @APIResponse(
      responseCode = "201",
      description = "joined; sign in with the email and password",
      content = @Content(schema = @Schema(implementation = AccountCreated.class)))
  @APIResponse(responseCode = "400", description = "invalid input or a password the policy refuses")
  @APIResponse(responseCode = "404", description = "no such invitation, used, or expired")
  @APIResponse(responseCode = "409", description = "the email already has an account")
  public Uni<Response> accept(@NotNull @Valid AcceptInvitationRequest request) {
    return accounts
        .acceptInvitation(
            request.token(), request.password(), request.displayName().trim(), Actor.of(context))
        .map(SignupResource::created);
  }

  private static Response created(AccountService.Account account) {
    return Response.created(URI.create("/api/v1/me"))
        .entity(
            new AccountCreated(
                account.tenantId(), account.userId(), account.email(), account.role()))
        .build();
  }
}
