package io.smbcopilot.auth.rest;

import io.smallrye.mutiny.Uni;
import io.smbcopilot.auth.service.Actor;
import io.smbcopilot.auth.service.ApiKeyService;
import io.smbcopilot.auth.service.MemberService;
import io.smbcopilot.auth.service.PrincipalService;
import io.smbcopilot.problem.ProblemException;
import io.smbcopilot.security.PrincipalType;
import io.smbcopilot.security.TenantContext;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/api/v1/me")
@Tag(name = "identity")
@Produces(MediaType.APPLICATION_JSON)
public class MeResource {
  public record User(String id, String email, String displayName) {}

  public record Key(UUID id, String name, String prefix) {}

  public record Tenant(UUID id, String name, String plan) {}

  public record Me(
      String principalType,
      User user,
      Key apiKey,
      Tenant tenant,
      List<String> roles,
      List<String> permissions) {}

  private final TenantContext context;
  private final MemberService members;
  private final ApiKeyService keys;
  private final PrincipalService principals;

  public MeResource(
      TenantContext context,
      MemberService members,
      ApiKeyService keys,
      PrincipalService principals) {
    this.context = context;
    this.members = members;
    this.keys = keys;
    this.principals = principals;
  }

  @GET
  @Operation(summary = "Who am I: user or API key, tenant, roles and permissions")
  @APIResponse(responseCode = "200", description = "the caller")
  @APIResponse(responseCode = "401", description = "not signed in")
  public Uni<Me> me() {
    UUID tenantId = context.tenantId();
    PrincipalType type = context.principalType();
    String subject = context.subject();
    List<String> roles = context.token().roles();
    List<String> permissions = context.token().permissions();
    Uni<Tenant> tenant =
        principals
            .tenant(tenantId)
            .map(found -> found.orElseThrow(() -> ProblemException.notFound("tenant")))
            .map(t -> new Tenant(t.id(), t.name(), t.plan()));
    if (type == PrincipalType.USER) {
      return tenant.chain(
          t ->
              members
                  .get(tenantId, subject)
                  .map(
                      m ->
                          new Me(
                              type.claim(),
                              new User(m.userId(), m.email(), m.displayName()),
                              null,
                              t,
                              roles,
                              permissions)));
    }
    return tenant.chain(
        t ->
            keys.get(tenantId, UUID.fromString(subject))
                .map(
                    k ->
                        new Me(
                            type.claim(),
                            null,
                            new Key(k.id(), k.name(), k.prefix()),
                            t,
                            roles,
                            permissions)));
  }

  @DELETE
  @Path("/membership")
  @Operation(
      summary = "Leave the business",
      description =
          "The calling person leaves the business: their membership ends, the API keys they made"
              + " are revoked and their account is deleted (the audit log keeps that they left)."
              + " What they made for the business (documents, workflows, conversations) stays"
              + " the business's. The last owner cannot leave: make someone else owner first.")
  @APIResponse(responseCode = "204", description = "left")
  @APIResponse(responseCode = "403", description = "an API key: only a person leaves")
  @APIResponse(responseCode = "409", description = "the last owner cannot leave")
  public Uni<Void> leave() {
    context.person("only a person can leave the business");
    return members.leave(context.tenantId(), Actor.of(context));
  }
}
