package io.smbcopilot.auth.service;

import io.opentelemetry.instrumentation.annotations.WithSpan;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.smbcopilot.auth.client.KeycloakAdminClient;
import io.smbcopilot.auth.config.AuthConfig;
import io.smbcopilot.auth.domain.Invitation;
import io.smbcopilot.auth.domain.Membership;
import io.smbcopilot.auth.domain.Tenant;
import io.smbcopilot.auth.repository.InvitationRepository;
import io.smbcopilot.auth.repository.MembershipRepository;
import io.smbcopilot.auth.repository.TenantRepository;
import io.smbcopilot.events.EventType;
import io.smbcopilot.events.identity.MemberChanged;
import io.smbcopilot.events.identity.TenantCreated;
import io.smbcopilot.outbox.SqlErrors;
import io.smbcopilot.problem.ProblemException;
import io.smbcopilot.problem.ProblemType;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Accounts that begin outside a tenant: sign-up (a new tenant and its owner) and accepting an
 * invitation. The Keycloak user is made first; if anything after it fails, it is deleted again, so
 * nothing half-made remains.
 */
@ApplicationScoped
public class AccountService {
  private static final Logger LOG = Logger.getLogger(AccountService.class);

  public record Account(UUID tenantId, String userId, String email, String role) {}

  private final KeycloakAdminClient keycloak;
  private final IdentityRecorder recorder;
  private final RoleService roles;
  private final TenantRepository tenants;
  private final MembershipRepository memberships;
  private final InvitationRepository invitations;
  private final AuthConfig config;

  public AccountService(
      KeycloakAdminClient keycloak,
      IdentityRecorder recorder,
      RoleService roles,
      TenantRepository tenants,
      MembershipRepository memberships,
      InvitationRepository invitations,
      AuthConfig config) {
    this.keycloak = keycloak;
    this.recorder = recorder;
    this.roles = roles;
    this.tenants = tenants;
    this.memberships = memberships;
    this.invitations = invitations;
    this.config = config;
  }

  @WithSpan("AccountService.signup")
  public Uni<Account> signup(
      String tenantName, String email, String password, String displayName, Actor caller) {
    String normalized = email.trim().toLowerCase();
    UUID tenantId = UUID.randomUUID();
    return ensureNoAccount(normalized)
        .chain(() -> keycloak.createUser(normalized, password, displayName))
        .chain(
            userId -> {
              Actor actor = new Actor(userId, "user", caller.ip(), caller.requestId());
              return undoneOnFailure(
                      userId,
                      () -> {
                        Tenant tenant = new Tenant();
                        tenant.id = tenantId;
                        tenant.name = tenantName.trim();
                        tenant.plan = config.defaultPlan();
                        tenant.createdAt = Now.utc();
                        return tenants
                            .persist(tenant)
                            .call(
                                () ->
                                    recorder.audit(
                                        tenantId,
                                        actor,
                                        "tenant.created",
                                        "tenant",
                                        tenantId.toString(),
                                        "success",
                                        Map.of("name", tenant.name)))
                            .call(
                                () ->
                                    recorder.emit(
                                        EventType.TENANT_CREATED,
                                        tenantId,
                                        "tenant/" + tenantId,
                                        new TenantCreated(
                                            tenantId.toString(),
                                            tenant.name,
                                            userId,
                                            normalized,
                                            displayName)))
                            .chain(
                                () ->
                                    join(
                                        tenantId,
                                        actor,
                                        normalized,
                                        displayName,
                                        RoleService.OWNER,
                                        Map.of()));
                      })
                  .onFailure(SqlErrors::uniqueViolation)
                  .transform(
                      e ->
                          new ProblemException(
                              ProblemType.CONFLICT, "an account with this email already exists"))
                  .replaceWith(new Account(tenantId, userId, normalized, RoleService.OWNER));
            });
  }

  @WithSpan("AccountService.acceptInvitation")
  public Uni<Account> acceptInvitation(
      String token, String password, String displayName, Actor caller) {
    byte[] hash = Secrets.sha256(token);
    return Panache.withSession(() -> invitations.usable(hash, Now.utc()))
        .onItem()
        .ifNull()
        .failWith(
            () ->
                new ProblemException(
                    ProblemType.NOT_FOUND,
                    "the invitation does not exist, was used or has expired"))
        .chain(
            invitation ->
                ensureNoAccount(invitation.email)
                    .chain(() -> keycloak.createUser(invitation.email, password, displayName))
                    .chain(userId -> accept(invitation, userId, displayName, caller)));
  }

  private Uni<Account> accept(
      Invitation invitation, String userId, String displayName, Actor caller) {
    Actor actor = new Actor(userId, "user", caller.ip(), caller.requestId());
    return undoneOnFailure(
            userId,
            () ->
                invitations
                    .accept(invitation.id, userId, Now.utc())
                    .invoke(
                        taken -> {
                          if (taken != 1) {
                            throw new ProblemException(
                                ProblemType.CONFLICT, "the invitation was just used");
                          }
                        })
                    .chain(() -> roles.find(invitation.tenantId, invitation.role))
                    .invoke(
                        role -> {
                          if (role == null) {
                            throw new ProblemException(
                                ProblemType.CONFLICT,
                                "the invited role no longer exists; ask for a new invitation");
                          }
                        })
                    .chain(
                        () ->
                            join(
                                invitation.tenantId,
                                actor,
                                invitation.email,
                                displayName,
                                invitation.role,
                                Map.of("invitation", invitation.id.toString()))))
        .replaceWith(new Account(invitation.tenantId, userId, invitation.email, invitation.role));
  }

  /** The actor's membership, its audit entry and its event, in the caller's transaction. */
  private Uni<Void> join(
      UUID tenantId,
      Actor actor,
      String email,
      String displayName,
      String role,
      Map<String, String> details) {
    Membership membership = new Membership();
    membership.tenantId = tenantId;
    membership.userId = actor.id();
    membership.role = role;
    membership.email = email;
    membership.displayName = displayName;
    membership.createdAt = Now.utc();
    Map<String, String> audited = new LinkedHashMap<>(details);
    audited.put("role", role);
    audited.put("email", email);
    return memberships
        .persist(membership)
        .call(
            () ->
                recorder.audit(
                    tenantId, actor, "member.joined", "member", actor.id(), "success", audited))
        .call(
            () ->
                recorder.emit(
                    EventType.MEMBER_CHANGED,
                    tenantId,
                    "member/" + actor.id(),
                    new MemberChanged(
                        tenantId.toString(), actor.id(), email, role, "joined", actor.id())))
        .replaceWithVoid();
  }

  private Uni<Void> ensureNoAccount(String email) {
    return Panache.withSession(() -> memberships.emailTaken(email))
        .invoke(
            taken -> {
              if (taken) {
                throw new ProblemException(
                    ProblemType.CONFLICT, "an account with this email already exists");
              }
            })
        .replaceWithVoid();
  }

  /**
   * Runs the work in a transaction; when it fails, the Keycloak user made for it is deleted again
   * before the failure goes on.
   */
  private Uni<Void> undoneOnFailure(String userId, Supplier<Uni<Void>> work) {
    return Panache.withTransaction(work)
        .onFailure()
        .call(
            cause ->
                keycloak
                    .deleteUser(userId)
                    .invoke(
                        () ->
                            LOG.infof(
                                "removed Keycloak user %s again: %s", userId, cause.getMessage()))
                    .onFailure()
                    .invoke(
                        e ->
                            LOG.errorf(
                                "Keycloak user %s remains after a failed sign-up (%s) and could"
                                    + " not be removed: %s",
                                userId, cause.getMessage(), e.getMessage()))
                    .onFailure()
                    .recoverWithNull());
  }
}
