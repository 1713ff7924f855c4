package io.smbcopilot.auth.service;

import io.smbcopilot.auth.client.KeycloakAdminClient;
import io.smbcopilot.auth.config.AuthConfig;
import io.smbcopilot.events.EventType;
import io.smbcopilot.events.identity.MemberChanged;
import io.smbcopilot.outbox.Db;
import io.smbcopilot.problem.ProblemException;
import io.smbcopilot.problem.ProblemType;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
      String userId, String email, String displayName, String role, OffsetDateTime joinedAt) {}

  public record Invitation(
      UUID id,
      String email,
      String role,
      String invitedBy,
      OffsetDateTime createdAt,
      OffsetDateTime expiresAt,
      String acceptToken) {}

  private final Db db;
  private final RoleService roles;
  private final IdentityRecorder recorder;
  private final KeycloakAdminClient keycloak;
  private final ApiKeyService apiKeys;
  private final AuthConfig config;

  public MemberService(
      Db db,
      RoleService roles,
      IdentityRecorder recorder,
      KeycloakAdminClient keycloak,
      ApiKeyService apiKeys,
      AuthConfig config) {
    this.db = db;
    this.roles = roles;
    this.recorder = recorder;
    this.keycloak = keycloak;
    this.apiKeys = apiKeys;
    this.config = config;
  }

  /** Members ordered by user id, after the cursor (the last user id of the previous page). */
  public List<Member> list(UUID tenantId, int limit, String after) {
    List<Member> members = new ArrayList<>();
    for (Row row :
        db.query(
            "SELECT user_id, email, display_name, role, created_at FROM membership"
                + " WHERE tenant_id = $1 AND user_id > $2 ORDER BY user_id LIMIT $3",
            tenantId,
            after == null ? "" : after,
            limit)) {
      members.add(map(row));
    }
    return members;
  }

  public Member get(UUID tenantId, String userId) {
    return find(db.pool(), tenantId, userId).orElseThrow(() -> ProblemException.notFound("member"));
  }

  private static Optional<Member> find(
      io.vertx.mutiny.sqlclient.SqlClient client, UUID tenantId, String userId) {
    Iterator<Row> rows =
        Db.run(
                client,
                "SELECT user_id, email, display_name, role, created_at FROM membership"
                    + " WHERE tenant_id = $1 AND user_id = $2",
                tenantId,
                userId)
            .iterator();
    return rows.hasNext() ? Optional.of(map(rows.next())) : Optional.empty();
  }

  public Invitation invite(
      UUID tenantId, Actor actor, Set<String> mine, String email, String role) {
    String normalized = email.trim().toLowerCase();
    return guarded(
        tenantId,
        actor,
        "member.invited",
        normalized,
        () ->
            db.inTransaction(
                tx -> {
                  grantable(tx, tenantId, role, mine);
                  if (Db.run(tx, "SELECT 1 FROM membership WHERE lower(email) = $1", normalized)
                          .rowCount()
                      > 0) {
                    throw new ProblemException(
                        ProblemType.CONFLICT, "this email already belongs to an account");
                  }
                  Db.run(
                      tx,
                      "DELETE FROM invitation WHERE tenant_id = $1 AND lower(email) = $2"
                          + " AND accepted_at IS NULL",
                      tenantId,
                      normalized);
                  UUID id = UUID.randomUUID();
                  String token = Secrets.token(32);
                  OffsetDateTime expires =
                      OffsetDateTime.now(ZoneOffset.UTC).plus(config.invitationTtl());
                  Row row =
                      Db.run(
                              tx,
                              "INSERT INTO invitation (id, tenant_id, email, role, token_hash,"
                                  + " invited_by, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7)"
                                  + " RETURNING created_at",
                              id,
                              tenantId,
                              normalized,
                              role,
                              Secrets.sha256(token),
                              actor.id(),
                              expires)
                          .iterator()
                          .next();
                  recorder.audit(
                      tx,
                      tenantId,
                      actor,
                      "member.invited",
                      "invitation",
                      id.toString(),
                      "success",
                      Map.of("email", normalized, "role", role));
                  recorder.emit(
                      tx,
                      EventType.MEMBER_CHANGED,
                      tenantId,
                      "invitation/" + id,
                      new MemberChanged(
                          tenantId.toString(), null, normalized, role, "invited", actor.id()));
                  return new Invitation(
                      id,
                      normalized,
                      role,
                      actor.id(),
                      row.getOffsetDateTime("created_at"),
                      expires,
                      token);
                }));
  }

  public List<Invitation> pendingInvitations(UUID tenantId) {
    List<Invitation> list = new ArrayList<>();
    for (Row row :
        db.query(
            "SELECT id, email, role, invited_by, created_at, expires_at FROM invitation"
                + " WHERE tenant_id = $1 AND accepted_at IS NULL AND expires_at > now()"
                + " ORDER BY created_at",
            tenantId)) {
      list.add(
          new Invitation(
              row.getUUID("id"),
              row.getString("email"),
              row.getString("role"),
              row.getString("invited_by"),
              row.getOffsetDateTime("created_at"),
              row.getOffsetDateTime("expires_at"),
              null));
    }
    return list;
  }

  public void cancelInvitation(UUID tenantId, Actor actor, UUID id) {
    db.inTransaction(
        tx -> {
          int deleted =
              Db.run(
                      tx,
                      "DELETE FROM invitation WHERE tenant_id = $1 AND id = $2 AND accepted_at IS NULL",
                      tenantId,
                      id)
                  .rowCount();
          if (deleted == 0) {
            throw ProblemException.notFound("invitation");
          }
          recorder.audit(
              tx,
              tenantId,
              actor,
              "member.invitation-cancelled",
              "invitation",
              id.toString(),
              "success",
              Map.of());
          return null;
        });
  }

  public Member changeRole(
      UUID tenantId, Actor actor, Set<String> mine, String userId, String role) {
    return guarded(
        tenantId,
        actor,
        "member.role-changed",
        userId,
        () ->
            db.inTransaction(
                tx -> {
                  Member member = lockMember(tx, tenantId, userId);
                  grantable(tx, tenantId, role, mine);
                  changeable(tx, tenantId, member, mine);
                  if (member.role().equals(role)) {
                    return member;
                  }
                  if (member.role().equals(RoleService.OWNER)) {
                    keepAnOwner(tx, tenantId, "demoted");
                  }
                  Db.run(
                      tx,
                      "UPDATE membership SET role = $3 WHERE tenant_id = $1 AND user_id = $2",
                      tenantId,
                      userId,
                      role);
                  recorder.audit(
                      tx,
                      tenantId,
                      actor,
                      "member.role-changed",
                      "member",
                      userId,
                      "success",
                      Map.of("from", member.role(), "to", role));
                  recorder.emit(
                      tx,
                      EventType.MEMBER_CHANGED,
                      tenantId,
                      "member/" + userId,
                      new MemberChanged(
                          tenantId.toString(),
                          userId,
                          member.email(),
                          role,
                          "role-changed",
                          actor.id()));
                  return find(tx, tenantId, userId).orElseThrow();
                }));
  }

  public void remove(UUID tenantId, Actor actor, Set<String> mine, String userId) {
    guarded(
        tenantId,
        actor,
        "member.removed",
        userId,
        () ->
            db.inTransaction(
                tx -> {
                  Member member = lockMember(tx, tenantId, userId);
                  changeable(tx, tenantId, member, mine);
                  if (member.role().equals(RoleService.OWNER)) {
                    keepAnOwner(tx, tenantId, "removed");
                  }
                  Db.run(
                      tx,
                      "DELETE FROM membership WHERE tenant_id = $1 AND user_id = $2",
                      tenantId,
                      userId);
                  apiKeys.revokeCreatedBy(tx, tenantId, actor, userId);
                  recorder.audit(
                      tx,
                      tenantId,
                      actor,
                      "member.removed",
                      "member",
                      userId,
                      "success",
                      Map.of("role", member.role(), "email", member.email()));
                  recorder.emit(
                      tx,
                      EventType.MEMBER_CHANGED,
                      tenantId,
                      "member/" + userId,
                      new MemberChanged(
                          tenantId.toString(),
                          userId,
                          member.email(),
                          member.role(),
                          "removed",
                          actor.id()));
                  return null;
                }));
    try {
      keycloak.deleteUser(userId);
    } catch (RuntimeException e) {
      LOG.warnf("member %s removed; their Keycloak user remains: %s", userId, e.getMessage());
    }
  }

  private Member lockMember(SqlConnection tx, UUID tenantId, String userId) {
    Iterator<Row> rows =
        Db.run(
                tx,
                "SELECT user_id, email, display_name, role, created_at FROM membership"
                    + " WHERE tenant_id = $1 AND user_id = $2 FOR UPDATE",
                tenantId,
                userId)
            .iterator();
    if (!rows.hasNext()) {
      throw ProblemException.notFound("member");
    }
    return map(rows.next());
  }

  /** The role exists in the tenant and grants nothing the actor lacks. */
  private void grantable(SqlConnection tx, UUID tenantId, String role, Set<String> mine) {
    RoleService.Role found =
        roles
            .find(tx, tenantId, role)
            .orElseThrow(() -> ProblemException.invalid("role", "no role named '" + role + "'"));
    for (String p : found.permissions()) {
      if (!mine.contains(p)) {
        throw new ProblemException(
            ProblemType.FORBIDDEN, "you cannot grant the role " + role + ": it has " + p);
      }
    }
  }

  /** The actor holds every permission of the member's current role. */
  private void changeable(SqlConnection tx, UUID tenantId, Member member, Set<String> mine) {
    Optional<RoleService.Role> current = roles.find(tx, tenantId, member.role());
    for (String p : current.map(RoleService.Role::permissions).orElse(List.of())) {
      if (!mine.contains(p)) {
        throw new ProblemException(
            ProblemType.FORBIDDEN, "you cannot change a member whose role has " + p);
      }
    }
  }

  private static void keepAnOwner(SqlConnection tx, UUID tenantId, String what) {
    long owners =
        Db.run(
                tx,
                "SELECT user_id FROM membership WHERE tenant_id = $1 AND role = 'owner' FOR UPDATE",
                tenantId)
            .rowCount();
    if (owners <= 1) {
      throw new ProblemException(
          ProblemType.CONFLICT,
          "the last owner cannot be " + what + "; make someone else owner first");
    }
  }

  /** Runs a change; a refused one (403, 409) is audited as denied before the problem goes out. */
  private <T> T guarded(
      UUID tenantId,
      Actor actor,
      String action,
      String target,
      java.util.function.Supplier<T> change) {
    try {
      return change.get();
    } catch (ProblemException e) {
      if (e.type() == ProblemType.FORBIDDEN || e.type() == ProblemType.CONFLICT) {
        db.inTransaction(
            tx -> {
              recorder.audit(
                  tx,
                  tenantId,
                  actor,
                  action,
                  "member",
                  target,
                  "denied",
                  Map.of("reason", e.getMessage()));
              return null;
            });
      }
      throw e;
    }
  }

  private static Member map(Row row) {
    return new Member(
        row.getString("user_id"),
        row.getString("email"),
        row.getString("display_name"),
        row.getString("role"),
        row.getOffsetDateTime("created_at"));
  }
}
