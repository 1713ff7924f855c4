package io.smbcopilot.auth.rest;

import io.smbcopilot.auth.service.ApiKeyService;
import io.smbcopilot.auth.service.MemberService;
import io.smbcopilot.auth.service.PrincipalService;
import io.smbcopilot.problem.ProblemException;
import io.smbcopilot.security.PrincipalType;
import io.smbcopilot.security.TenantContext;
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
  public Me me() {
    UUID tenantId = context.tenantId();
    PrincipalService.TenantInfo tenant =
        principals.tenant(tenantId).orElseThrow(() -> ProblemException.notFound("tenant"));
    User user = null;
    Key key = null;
    if (context.principalType() == PrincipalType.USER) {
      MemberService.Member member = members.get(tenantId, context.subject());
      user = new User(member.userId(), member.email(), member.displayName());
    } else {
      ApiKeyService.ApiKey apiKey = keys.get(tenantId, UUID.fromString(context.subject()));
      key = new Key(apiKey.id(), apiKey.name(), apiKey.prefix());
    }
    return new Me(
        context.principalType().claim(),
        user,
        key,
        new Tenant(tenant.id(), tenant.name(), tenant.plan()),
        context.token().roles(),
        context.token().permissions());
  }
}
