package io.smbcopilot.auth.service;

import io.opentelemetry.instrumentation.annotations.SpanAttribute;
import io.opentelemetry.instrumentation.annotations.WithSpan;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import io.smbcopilot.auth.client.KeycloakAdminClient;
import io.smbcopilot.auth.config.AuthConfig;
import io.smbcopilot.auth.domain.Membership;
import io.smbcopilot.auth.repository.InvitationRepository;
import io.smbcopilot.auth.repository.MembershipRepository;
import io.smbcopilot.events.EventType;
import io.smbcopilot.events.identity.MemberChanged;
import io.smbcopilot.events.notifications.InvitationMailRequested;
import io.smbcopilot.problem.ProblemException;
import io.smbcopilot.problem.ProblemType;
import io.smbcopilot.security.SecretCipher;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * A tenant's members and invitations. Nobody grants a role with permissions they lack, nobody
 * changes a member who holds permissions they lack, and the last owner stays.
 */
@ApplicationScoped
public class MemberService {
  private static final Logger LOG = Logger.getLogger(MemberService.class);

  public record Member(
      String userId, String email, String displayName, String role, OffsetDateTime joinedAt) {
    static Member of(Membership m) {
      return new Member(m.userId, m.email, m.displayName, m.role, m.createdAt);
    }
  }

  public record Invitation(
      UUID id,
      String email,
      String role,
      String invitedBy,
      OffsetDateTime createdAt,
      OffsetDateTime expiresAt,
      String acceptToken) {
    static Invitation of(io.smbcopilot.auth.domain.Invitation i, String acceptToken) {
      return new Invitation(
          i.id, i.email, i.role, i.invitedBy, i.createdAt, i.expiresAt, acceptToken);
    }
  }

  private final MembershipRepository memberships;
  private final InvitationRepository invitations;
  private final RoleService roles;
  private final IdentityRecorder recorder;
  private final KeycloakAdminClient keycloak;
  private final ApiKeyService apiKeys;
  private final AuthConfig config;
  private final SecretCipher cipher;

  public MemberService(
      MembershipRepository memberships,
      InvitationRepository invitations,
      RoleService roles,
      IdentityRecorder recorder,
      KeycloakAdminClient keycloak,
      ApiKeyService apiKeys,
      AuthConfig config,
      SecretCipher cipher) {
    this.cipher = cipher;
    this.memberships = memberships;
    this.invitations = invitations;
    this.roles = roles;
    this.recorder = recorder;
    this.keycloak = keycloak;
    this.apiKeys = apiKeys;
    this.config = config;
  }

  /** Members ordered by user id, after the cursor (the last user id of the previous page). */
  @WithSession
  @WithSpan("MemberService.list")
  public Uni<List<Member>> list(
      @SpanAttribute("tenant.id") UUID tenantId, int limit, String after) {
    return memberships
        .page(tenantId, after, limit)
        .map(found -> found.stream().map(Member::of).toList());
  }

  @WithSession
  @WithSpan("MemberService.get")
  public Uni<Member> get(@SpanAttribute("tenant.id") UUID tenantId, String userId) {
    return memberships
        .find(tenantId, userId)
        .onItem()
        .ifNull()
        .failWith(() -> ProblemException.notFound("member"))
        .map(Member::of);
  }

  @WithSpan("MemberService.invite")
  public Uni<Invitation> invite(
      @SpanAttribute("tenant.id") UUID tenantId,
      Actor actor,
      Set<String> mine,
      String email,
      String role) {
    String normalized = email.trim().toLowerCase();
    String token = Secrets.token(32);
    return recorder.guarded(
        tenantId,
        actor,
        "member.invited",
        "member",
        normalized,
        () ->
            grantable(tenantId, role, mine)
                .chain(() -> memberships.emailTaken(normalized))
                .invoke(
                    taken -> {
                      if (taken) {
                        throw new ProblemException(
                            ProblemType.CONFLICT, "this email already belongs to an account");
                      }
                    })
                .chain(() -> invitations.deleteOpen(tenantId, normalized))
                .chain(
                    () -> {
                      io.smbcopilot.auth.domain.Invitation invitation =
                          new io.smbcopilot.auth.domain.Invitation();
                      invitation.id = UUID.randomUUID();
                      invitation.tenantId = tenantId;
                      invitation.email = normalized;
                      invitation.role = role;
                      invitation.tokenHash = Secrets.sha256(token);
                      invitation.invitedBy = actor.id();
                      invitation.createdAt = Now.utc();
                      invitation.expiresAt = invitation.createdAt.plus(config.invitationTtl());
                      return invitations.persist(invitation);
                    })
                .call(
                    invitation ->
                        recorder.audit(
                            tenantId,
                            actor,
                            "member.invited",
                            "invitation",
                            invitation.id.toString(),
                            "success",
                            Map.of("email", normalized, "role", role)))
                .call(
                    invitation ->
                        recorder.emit(
                            EventType.MEMBER_CHANGED,
                            tenantId,
                            "invitation/" + invitation.id,
                            new MemberChanged(
                                tenantId.toString(),
                                null,
                                normalized,
                                role,
                                "invited",
                                actor.id())))
                .call(invitation -> mailRequest(invitation, token))
                .map(invitation -> Invitation.of(invitation, token)));
  }

  @WithSession
  @WithSpan("MemberService.pendingInvitations")
  public Uni<List<Invitation>> pendingInvitations(@SpanAttribute("tenant.id") UUID tenantId) {
    return invitations
        .pending(tenantId, Now.utc())
        .map(found -> found.stream().map(i -> Invitation.of(i, null)).toList());
  }

  @WithTransaction
  @WithSpan("MemberService.cancelInvitation")
  public Uni<Void> cancelInvitation(
      @SpanAttribute("tenant.id") UUID tenantId, Actor actor, UUID id) {
    return invitations
        .deleteOpen(tenantId, id)
        .chain(
            deleted -> {
              if (deleted == 0) {
                return Uni.createFrom().failure(ProblemException.notFound("invitation"));
              }
              return recorder.audit(
                  tenantId,
                  actor,
                  "member.invitation-cancelled",
                  "invitation",
                  id.toString(),
                  "success",
                  Map.of());
            });
  }

  @WithSpan("MemberService.changeRole")
  public Uni<Member> changeRole(
      @SpanAttribute("tenant.id") UUID tenantId,
      Actor actor,
      Set<String> mine,
      String userId,
      String role) {
    return recorder.guarded(
        tenantId,
        actor,
        "member.role-changed",
        "member",
        userId,
        () ->
            lockMember(tenantId, userId)
                .call(() -> grantable(tenantId, role, mine))
                .call(member -> changeable(tenantId, member, mine))
                .chain(
                    member -> {
                      if (member.role.equals(role)) {
                        return Uni.createFrom().item(member);
                      }
                      String from = member.role;
                      Uni<Void> owners =
                          from.equals(RoleService.OWNER)
                              ? keepAnOwner(tenantId, "be demoted")
                              : Uni.createFrom().voidItem();
                      return owners
                          .invoke(() -> member.role = role)
                          .call(
                              () ->
                                  recorder.audit(
                                      tenantId,
                                      actor,
                                      "member.role-changed",
                                      "member",
                                      userId,
                                      "success",
                                      Map.of("from", from, "to", role)))
                          .call(
                              () ->
                                  announce(
                                      tenantId, actor, userId, member.email, role, "role-changed"))
                          .replaceWith(member);
                    })
                .map(Member::of));
  }

  /**
   * Removes the member and revokes the API keys they created; their Keycloak user is deleted after
   * the commit (a failure there is logged: the membership, which grants access, is gone).
   */
  @WithSpan("MemberService.remove")
  public Uni<Void> remove(
      @SpanAttribute("tenant.id") UUID tenantId, Actor actor, Set<String> mine, String userId) {
    return removal(
        tenantId,
        actor,
        "member.removed",
        userId,
        "be removed",
        member -> changeable(tenantId, member, mine));
  }

  /**
   * The calling person leaves the business: removed as a member is (their API keys revoked, their
   * Keycloak user deleted), by themselves, audited as {@code member.left}; the last owner cannot.
   */
  @WithSpan("MemberService.leave")
  public Uni<Void> leave(@SpanAttribute("tenant.id") UUID tenantId, Actor actor) {
    return removal(
        tenantId, actor, "member.left", actor.id(), "leave", member -> Uni.createFrom().voidItem());
  }

  private Uni<Void> removal(
      UUID tenantId,
      Actor actor,
      String action,
      String userId,
      String lastOwnerCannot,
      java.util.function.Function<Membership, Uni<Void>> allowed) {
    return recorder
        .guarded(
            tenantId,
            actor,
            action,
            "member",
            userId,
            () ->
                lockMember(tenantId, userId)
                    .call(member -> allowed.apply(member))
                    .call(
                        member ->
                            member.role.equals(RoleService.OWNER)
                                ? keepAnOwner(tenantId, lastOwnerCannot)
                                : Uni.createFrom().voidItem())
                    .call(memberships::delete)
                    .call(() -> apiKeys.revokeCreatedBy(tenantId, actor, userId))
                    .call(
                        member ->
                            recorder.audit(
                                tenantId,
                                actor,
                                action,
                                "member",
                                userId,
                                "success",
                                Map.of("role", member.role, "email", member.email)))
                    .call(
                        member ->
                            announce(
                                tenantId, actor, userId, member.email, member.role, "removed")))
        .chain(
            () ->
                keycloak
                    .deleteUser(userId)
                    .onFailure()
                    .invoke(
                        e ->
                            LOG.warnf(
                                "member %s removed; their Keycloak user remains: %s",
                                userId, e.getMessage()))
                    .onFailure()
                    .recoverWithNull())
        .replaceWithVoid();
  }

  /** The member's {@code member.changed} event, in the current transaction. */
  private Uni<Void> announce(
      UUID tenantId, Actor actor, String userId, String email, String role, String change) {
    return recorder.emit(
        EventType.MEMBER_CHANGED,
        tenantId,
        "member/" + userId,
        new MemberChanged(tenantId.toString(), userId, email, role, change, actor.id()));
  }

  private Uni<Membership> lockMember(UUID tenantId, String userId) {
    return memberships
        .lock(tenantId, userId)
        .onItem()
        .ifNull()
        .failWith(() -> ProblemException.notFound("member"));
  }

  /** The role exists in the tenant and grants nothing the actor lacks. */
  private Uni<Void> grantable(UUID tenantId, String role, Set<String> mine) {
    return roles
        .find(tenantId, role)
        .onItem()
        .ifNull()
        .failWith(() -> ProblemException.invalid("role", "no role named '" + role + "'"))
        .invoke(
            found -> {
              for (String p : found.permissions) {
                if (!mine.contains(p)) {
                  throw new ProblemException(
                      ProblemType.FORBIDDEN, "you cannot grant the role " + role + ": it has " + p);
                }
              }
            })
        .replaceWithVoid();
  }

  /** The actor holds every permission of the member's current role. */
  private Uni<Void> changeable(UUID tenantId, Membership member, Set<String> mine) {
    return roles
        .find(tenantId, member.role)
        .invoke(
            current -> {
              for (String p : current == null ? List.<String>of() : current.permissions) {
                if (!mine.contains(p)) {
                  throw new ProblemException(
                      ProblemType.FORBIDDEN, "you cannot change a member whose role has " + p);
                }
              }
            })
        .replaceWithVoid();
  }

  private Uni<Void> keepAnOwner(UUID tenantId, String what) {
    return memberships
        .lockOwners(tenantId)
        .invoke(
            owners -> {
              if (owners <= 1) {
                throw new ProblemException(
                    ProblemType.CONFLICT,
                    "the last owner cannot " + what + "; make someone else owner first");
              }
            })
        .replaceWithVoid();
  }

  /**
   * Asks the notifications service to mail the invitation's acceptance link, the token sealed with
   * the deployment's encryption key (in the invitation's transaction, through the outbox). Without
   * a key the invitation still works (its answer carries the token), but no mail goes out.
   */
  private Uni<Void> mailRequest(io.smbcopilot.auth.domain.Invitation invitation, String token) {
    if (!cipher.available()) {
      LOG.warnf(
          "invitation %s is not mailed: the deployment has no copilot.secrets.encryption-key",
          invitation.id);
      return Uni.createFrom().voidItem();
    }
    return recorder.emit(
        EventType.INVITATION_MAIL_REQUESTED,
        invitation.tenantId,
        "invitation/" + invitation.id,
        new InvitationMailRequested(
            invitation.tenantId.toString(),
            invitation.id.toString(),
            invitation.email,
            invitation.role,
            invitation.invitedBy,
            invitation.expiresAt.toString(),
            cipher.encrypt(invitation.tenantId, token)));
  }
}
