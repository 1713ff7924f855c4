package io.smbcopilot.auth.service;

import io.smbcopilot.auth.client.KeycloakAdminClient;
import io.smbcopilot.auth.config.AuthConfig;
import io.smbcopilot.events.EventType;
import io.smbcopilot.events.identity.MemberChanged;
import io.smbcopilot.events.identity.TenantCreated;
import io.smbcopilot.outbox.Db;
import io.smbcopilot.problem.ProblemException;
import io.smbcopilot.problem.ProblemType;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Iterator;
import java.util.Map;
import java.util.UUID;
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

  private final Db db;
  private final KeycloakAdminClient keycloak;
  private final IdentityRecorder recorder;
  private final RoleService roles;
  private final AuthConfig config;

  public AccountService(
      Db db,
      KeycloakAdminClient keycloak,
      IdentityRecorder recorder,
      RoleService roles,
      AuthConfig config) {
    this.db = db;
    this.keycloak = keycloak;
    this.recorder = recorder;
    this.roles = roles;
    this.config = config;
  }

  public Account signup(
      String tenantName, String email, String password, String displayName, Actor caller) {
    String normalized = email.trim().toLowerCase();
    ensureNoAccount(normalized);
    String userId = keycloak.createUser(normalized, password, displayName);
    UUID tenantId = UUID.randomUUID();
    Actor actor = new Actor(userId, "user", caller.ip(), caller.requestId());
    try {
      db.inTransaction(
          tx -> {
            Db.run(
                tx,
                "INSERT INTO tenant (id, name, plan) VALUES ($1, $2, $3)",
                tenantId,
                tenantName.trim(),
                config.defaultPlan());
            recorder.audit(
                tx,
                tenantId,
                actor,
                "tenant.created",
                "tenant",
                tenantId.toString(),
                "success",
                Map.of("name", tenantName.trim()));
            recorder.emit(
                tx,
                EventType.TENANT_CREATED,
                tenantId,
                "tenant/" + tenantId,
                new TenantCreated(
                    tenantId.toString(), tenantName.trim(), userId, normalized, displayName));
            join(tx, tenantId, actor, normalized, displayName, RoleService.OWNER, Map.of());
            return null;
          });
    } catch (RuntimeException e) {
      undo(userId, e);
      if (Db.duplicate(e)) {
        throw new ProblemException(
            ProblemType.CONFLICT, "an account with this email already exists");
      }
      throw e;
    }
    return new Account(tenantId, userId, normalized, RoleService.OWNER);
  }

  public Account acceptInvitation(String token, String password, String displayName, Actor caller) {
    byte[] hash = Secrets.sha256(token);
    Iterator<Row> found =
        db.query(
                "SELECT id, tenant_id, email, role FROM invitation WHERE token_hash = $1"
                    + " AND accepted_at IS NULL AND expires_at > now()",
                (Object) hash)
            .iterator();
    if (!found.hasNext()) {
      throw new ProblemException(
          ProblemType.NOT_FOUND, "the invitation does not exist, was used or has expired");
    }
    Row invitation = found.next();
    UUID invitationId = invitation.getUUID("id");
    UUID tenantId = invitation.getUUID("tenant_id");
    String email = invitation.getString("email");
    String role = invitation.getString("role");
    ensureNoAccount(email);
    String userId = keycloak.createUser(email, password, displayName);
    Actor actor = new Actor(userId, "user", caller.ip(), caller.requestId());
    try {
      db.inTransaction(
          tx -> {
            int taken =
                Db.run(
                        tx,
                        "UPDATE invitation SET accepted_at = now(), accepted_by = $2"
                            + " WHERE id = $1 AND accepted_at IS NULL",
                        invitationId,
                        userId)
                    .rowCount();
            if (taken != 1) {
              throw new ProblemException(ProblemType.CONFLICT, "the invitation was just used");
            }
            if (roles.find(tx, tenantId, role).isEmpty()) {
              throw new ProblemException(
                  ProblemType.CONFLICT,
                  "the invited role no longer exists; ask for a new invitation");
            }
            join(
                tx,
                tenantId,
                actor,
                email,
                displayName,
                role,
                Map.of("invitation", invitationId.toString()));
            return null;
          });
    } catch (RuntimeException e) {
      undo(userId, e);
      throw e;
    }
    return new Account(tenantId, userId, email, role);
  }

  /** The actor's membership, its audit entry and its event, in the caller's transaction. */
  private void join(
      SqlConnection tx,
      UUID tenantId,
      Actor actor,
      String email,
      String displayName,
      String role,
      Map<String, String> details) {
    Db.run(
        tx,
        "INSERT INTO membership (tenant_id, user_id, role, email, display_name)"
            + " VALUES ($1, $2, $3, $4, $5)",
        tenantId,
        actor.id(),
        role,
        email,
        displayName);
    Map<String, String> audited = new java.util.LinkedHashMap<>(details);
    audited.put("role", role);
    audited.put("email", email);
    recorder.audit(tx, tenantId, actor, "member.joined", "member", actor.id(), "success", audited);
    recorder.emit(
        tx,
        EventType.MEMBER_CHANGED,
        tenantId,
        "member/" + actor.id(),
        new MemberChanged(tenantId.toString(), actor.id(), email, role, "joined", actor.id()));
  }

  private void ensureNoAccount(String email) {
    if (db.query("SELECT 1 FROM membership WHERE lower(email) = $1", email).rowCount() > 0) {
      throw new ProblemException(ProblemType.CONFLICT, "an account with this email already exists");
    }
  }

  private void undo(String userId, RuntimeException cause) {
    try {
      keycloak.deleteUser(userId);
      LOG.infof("removed Keycloak user %s again: %s", userId, cause.getMessage());
    } catch (RuntimeException e) {
      LOG.errorf(
          "Keycloak user %s remains after a failed sign-up (%s) and could not be removed: %s",
          userId, cause.getMessage(), e.getMessage());
    }
  }
}
