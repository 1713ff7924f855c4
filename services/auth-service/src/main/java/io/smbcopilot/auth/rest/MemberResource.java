package io.smbcopilot.auth.rest;

import io.quarkus.security.PermissionsAllowed;
import io.smallrye.mutiny.Uni;
import io.smbcopilot.auth.service.Actor;
import io.smbcopilot.auth.service.MemberService;
import io.smbcopilot.auth.service.PseudonymisationService;
import io.smbcopilot.problem.Page;
import io.smbcopilot.problem.Paging;
import io.smbcopilot.security.Permission;
import io.smbcopilot.security.TenantContext;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Email;
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
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/api/v1/members")
@Tag(name = "identity")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
@PermissionsAllowed(Permission.Names.MEMBERS_MANAGE)
public class MemberResource {
  public record InviteRequest(
      @NotBlank @Email @Size(max = 254) String email, @NotBlank @Size(max = 40) String role) {}

  public record RoleChange(@NotBlank @Size(max = 40) String role) {}

  private final MemberService members;
  private final PseudonymisationService pseudonymisation;
  private final TenantContext context;

  public MemberResource(
      MemberService members, PseudonymisationService pseudonymisation, TenantContext context) {
    this.members = members;
    this.pseudonymisation = pseudonymisation;
    this.context = context;
  }

  private Set<String> mine() {
    return Set.copyOf(context.token().permissions());
  }

  @GET
  @Operation(summary = "The tenant's members, by user id")
  @APIResponse(responseCode = "200", description = "a page of members")
  public Uni<Page<MemberService.Member>> list(
      @QueryParam("limit") Integer limit, @QueryParam("cursor") String cursor) {
    int size = Paging.limit(limit);
    return members
        .list(context.tenantId(), size, Paging.decode(cursor))
        .map(items -> Page.of(items, size, m -> Paging.encode(m.userId())));
  }

  @GET
  @Path("/former")
  @Operation(
      summary = "Former members who may be pseudonymised",
      description =
          "The people who left or were removed and are no members now, each once, newest first,"
              + " until they are pseudonymised (POST /api/v1/members/{userId}/pseudonymisation).")
  @APIResponse(responseCode = "200", description = "a page of former members")
  @APIResponse(responseCode = "400", description = "a limit out of range or a cursor not ours")
  public Uni<Page<PseudonymisationService.FormerMember>> former(
      @QueryParam("limit") Integer limit, @QueryParam("cursor") String cursor) {
    return pseudonymisation.former(context.tenantId(), Paging.limit(limit), Paging.decode(cursor));
  }

  @GET
  @Path("/{userId}")
  @Operation(summary = "One member")
  @APIResponse(responseCode = "200", description = "the member")
  @APIResponse(responseCode = "404", description = "no such member in this tenant")
  public Uni<MemberService.Member> get(@PathParam("userId") String userId) {
    return members.get(context.tenantId(), userId);
  }

  @POST
  @Operation(
      summary = "Invite a person by email with a role",
      description =
          "The answer carries the invitation's acceptToken, once: the invited person accepts with"
              + " POST /api/v1/invitations/accept.")
  @APIResponse(
      responseCode = "201",
      description = "invited",
      content = @Content(schema = @Schema(implementation = MemberService.Invitation.class)))
  @APIResponse(responseCode = "400", description = "invalid email or unknown role")
  @APIResponse(responseCode = "403", description = "the role grants permissions you lack")
  @APIResponse(responseCode = "409", description = "the email already has an account")
  public Uni<Response> invite(@NotNull @Valid InviteRequest request) {
    return members
        .invite(context.tenantId(), Actor.of(context), mine(), request.email(), request.role())
        .map(
            invitation ->
                Response.created(URI.create("/api/v1/members/invitations/" + invitation.id()))
                    .entity(invitation)
                    .build());
  }

  @GET
  @Path("/invitations")
  @Operation(summary = "Invitations not accepted yet")
  @APIResponse(responseCode = "200", description = "the pending invitations")
  public Uni<List<MemberService.Invitation>> invitations() {
    return members.pendingInvitations(context.tenantId());
  }

  @DELETE
  @Path("/invitations/{id}")
  @Operation(summary = "Cancel an invitation")
  @APIResponse(responseCode = "204", description = "cancelled")
  @APIResponse(responseCode = "404", description = "no such pending invitation")
  public Uni<Void> cancel(@PathParam("id") UUID id) {
    return members.cancelInvitation(context.tenantId(), Actor.of(context), id);
  }

  @PATCH
  @Path("/{userId}")
  @Operation(summary = "Change a member's role")
  @APIResponse(responseCode = "200", description = "changed")
  @APIResponse(
      responseCode = "403",
      description = "the member or the role has permissions you lack")
  @APIResponse(responseCode = "404", description = "no such member")
  @APIResponse(responseCode = "409", description = "the last owner cannot be demoted")
  public Uni<MemberService.Member> changeRole(
      @PathParam("userId") String userId, @NotNull @Valid RoleChange change) {
    return members.changeRole(context.tenantId(), Actor.of(context), mine(), userId, change.role());
  }

  @DELETE
  @Path("/{userId}")
  @Operation(summary = "Remove a member (their API keys are revoked)")
  @APIResponse(responseCode = "204", description = "removed")
  @APIResponse(responseCode = "404", description = "no such member")
  @APIResponse(responseCode = "409", description = "the last owner cannot be removed")
  public Uni<Void> remove(@PathParam("userId") String userId) {
    return members.remove(context.tenantId(), Actor.of(context), mine(), userId);
  }

  @POST
  @Path("/{userId}/pseudonymisation")
  @Operation(
      summary = "Pseudonymise a former member",
      description =
          "Replaces the personal data of someone who is no member any more, in every service, where"
              + " the business's records must stay (the audit log, runs, conversations, usage):"
              + " their id becomes a pseudonym that nothing maps back to them, their addresses"
              + " <pseudonym>@pseudonymised.invalid, the address they came from is forgotten, and"
              + " what was only theirs (notifications, preferences, mails, their own exports) is"
              + " deleted. Audited as member.pseudonymised, under the pseudonym. Cannot be undone.")
  @APIResponse(
      responseCode = "200",
      description = "pseudonymised: the pseudonym, rows changed here")
  @APIResponse(responseCode = "404", description = "nothing of them in the business's records")
  @APIResponse(responseCode = "409", description = "they are a member: remove them first")
  public Uni<PseudonymisationService.Pseudonymised> pseudonymise(
      @PathParam("userId") @Size(max = 200) String userId) {
    return pseudonymisation.pseudonymise(context.tenantId(), Actor.of(context), userId);
  }
}
