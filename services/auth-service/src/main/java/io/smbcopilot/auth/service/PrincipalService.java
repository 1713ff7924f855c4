package io.smbcopilot.auth.service;

import io.opentelemetry.instrumentation.annotations.WithSpan;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import io.smbcopilot.auth.repository.MembershipRepository;
import io.smbcopilot.auth.repository.TenantRepository;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** What the gateway needs to know about a signed-in user: tenant, plan, role and permissions. */
@ApplicationScoped
public class PrincipalService {
  public record UserPrincipal(
      String userId,
      String email,
      String displayName,
      UUID tenantId,
      String tenantName,
      String plan,
      List<String> roles,
      List<String> permissions) {}

  public record TenantInfo(UUID id, String name, String plan) {}

  private final MembershipRepository memberships;
  private final TenantRepository tenants;

  public PrincipalService(MembershipRepository memberships, TenantRepository tenants) {
    this.memberships = memberships;
    this.tenants = tenants;
  }

  @WithSession
  @WithSpan("PrincipalService.user")
  public Uni<Optional<UserPrincipal>> user(String userId) {
    return memberships
        .principal(userId)
        .map(
            found ->
                Optional.ofNullable(found)
                    .map(
                        p ->
                            new UserPrincipal(
                                userId,
                                p.member().email,
                                p.member().displayName,
                                p.tenant().id,
                                p.tenant().name,
                                p.tenant().plan,
                                List.of(p.member().role),
                                p.role() == null ? List.of() : List.copyOf(p.role().permissions))));
  }

  @WithSession
  @WithSpan("PrincipalService.tenant")
  public Uni<Optional<TenantInfo>> tenant(UUID tenantId) {
    return tenants
        .findById(tenantId)
        .map(
            t ->
                Optional.ofNullable(t)
                    .map(found -> new TenantInfo(found.id, found.name, found.plan)));
  }
}
