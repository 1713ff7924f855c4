package io.smbcopilot.auth.service;

import io.opentelemetry.instrumentation.annotations.SpanAttribute;
import io.opentelemetry.instrumentation.annotations.WithSpan;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import io.smbcopilot.auth.repository.MembershipRepository;
import io.smbcopilot.auth.repository.RoleRepository;
import io.smbcopilot.events.EventType;
import io.smbcopilot.events.identity.RoleChanged;
import io.smbcopilot.outbox.SqlErrors;
import io.smbcopilot.problem.ProblemException;
import io.smbcopilot.problem.ProblemType;
import io.smbcopilot.security.Permission;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/** Built-in and custom roles: a role is a named set of permissions from the fixed catalog. */
@ApplicationScoped
public class RoleService {
  public static final String OWNER = "owner";
  public static final List<String> BUILT_IN = List.of("owner", "admin", "member", "viewer");
  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{1,39}");

  public record Role(
      String name,
      String description,
      List<String> permissions,
      boolean builtin,
      OffsetDateTime createdAt,
      OffsetDateTime updatedAt) {
    static Role of(io.smbcopilot.auth.domain.Role role) {
      return new Role(
          role.name,
          role.description,
          List.copyOf(role.permissions),
          role.builtin,
          role.createdAt,
          role.updatedAt);
    }
  }

  private final RoleRepository roles;
  private final MembershipRepository memberships;
  private final IdentityRecorder recorder;

  public RoleService(
      RoleRepository roles, MembershipRepository memberships, IdentityRecorder recorder) {
    this.roles = roles;
    this.memberships = memberships;
    this.recorder = recorder;
  }

  @WithSession
  @WithSpan("RoleService.list")
  public Uni<List<Role>> list(@SpanAttribute("tenant.id") UUID tenantId) {
    return roles.visible(tenantId).map(found -> found.stream().map(Role::of).toList());
  }

  @WithSession
  @WithSpan("RoleService.get")
  public Uni<Role> get(@SpanAttribute("tenant.id") UUID tenantId, String name) {
    return existing(tenantId, name).map(Role::of);
  }

  /** The role of the tenant (or built in) with this name, in the current session; null if none. */
  Uni<io.smbcopilot.auth.domain.Role> find(UUID tenantId, String name) {
    return roles.find(tenantId, name);
  }

  @WithSpan("RoleService.create")
  public Uni<Role> create(
      @SpanAttribute("tenant.id") UUID tenantId,
      Actor actor,
      Set<String> mine,
      String name,
      String description,
      List<String> permissions) {
    if (name == null || !NAME.matcher(name).matches()) {
      return Uni.createFrom()
          .failure(
              ProblemException.invalid(
                  "name", "lower-case letters, digits and '-', 2 to 40, starting with a letter"));
    }
    List<String> checked;
    try {
      checked = checkPermissions(permissions, mine);
    } catch (ProblemException e) {
      return Uni.createFrom().failure(e);
    }
    ProblemException taken =
        new ProblemException(ProblemType.CONFLICT, "a role named " + name + " exists");
    return Panache.withTransaction(
            () ->
                roles
                    .find(tenantId, name)
                    .chain(
                        existing -> {
                          if (existing != null) {
                            return Uni.createFrom().failure(taken);
                          }
                          io.smbcopilot.auth.domain.Role role =
                              new io.smbcopilot.auth.domain.Role();
                          role.id = UUID.randomUUID();
                          role.tenantId = tenantId;
                          role.name = name;
                          role.description = description == null ? "" : description;
                          role.permissions = checked;
                          role.createdAt = Now.utc();
                          role.updatedAt = role.createdAt;
                          return roles.persist(role);
                        })
                    .call(role -> record(tenantId, actor, "role.created", name, checked))
                    .map(Role::of))
        // two creations of one name at once: the unique index refuses the second at commit
        .onFailure(SqlErrors::uniqueViolation)
        .transform(e -> taken);
  }

  @WithTransaction
  @WithSpan("RoleService.update")
  public Uni<Role> update(
      @SpanAttribute("tenant.id") UUID tenantId,
      Actor actor,
      Set<String> mine,
      String name,
      String description,
      List<String> permissions) {
    List<String> checked = checkPermissions(permissions, mine);
    return custom(tenantId, name, "changed")
        .invoke(
            role -> {
              role.description = description == null ? role.description : description;
              role.permissions = checked;
              role.updatedAt = Now.utc();
            })
        .call(role -> record(tenantId, actor, "role.updated", name, checked))
        .map(Role::of);
  }

  @WithTransaction
  @WithSpan("RoleService.delete")
  public Uni<Void> delete(@SpanAttribute("tenant.id") UUID tenantId, Actor actor, String name) {
    return custom(tenantId, name, "deleted")
        .call(
            role ->
                memberships
                    .countWithRole(tenantId, name)
                    .invoke(
                        users -> {
                          if (users > 0) {
                            throw new ProblemException(
                                ProblemType.CONFLICT,
                                "the role is held by " + users + " member(s); change theirs first");
                          }
                        }))
        .call(roles::delete)
        .call(role -> record(tenantId, actor, "role.deleted", name, role.permissions))
        .replaceWithVoid();
  }

  private Uni<io.smbcopilot.auth.domain.Role> existing(UUID tenantId, String name) {
    return roles
        .find(tenantId, name)
        .onItem()
        .ifNull()
        .failWith(() -> ProblemException.notFound("role"));
  }

  /** The tenant's own role with this name: built-in ones cannot be changed or deleted. */
  private Uni<io.smbcopilot.auth.domain.Role> custom(UUID tenantId, String name, String change) {
    return existing(tenantId, name)
        .invoke(
            role -> {
              if (role.builtin) {
                throw new ProblemException(
                    ProblemType.CONFLICT, "built-in roles cannot be " + change);
              }
            });
  }

  private Uni<Void> record(
      UUID tenantId, Actor actor, String action, String name, List<String> perms) {
    return recorder
        .audit(tenantId, actor, action, "role", name, "success", Map.of("permissions", perms))
        .chain(
            () ->
                recorder.emit(
                    EventType.ROLE_CHANGED,
                    tenantId,
                    "role/" + name,
                    new RoleChanged(
                        tenantId.toString(),
                        name,
                        perms,
                        action.substring(action.indexOf('.') + 1),
                        actor.id())));
  }

  /** Known permissions only, and none the caller does not hold (no escalation). */
  static List<String> checkPermissions(List<String> permissions, Set<String> mine) {
    if (permissions == null || permissions.isEmpty()) {
      throw ProblemException.invalid("permissions", "at least one permission");
    }
    Set<String> result = new LinkedHashSet<>();
    for (String p : permissions) {
      if (Permission.byValue(p).isEmpty()) {
        throw ProblemException.invalid(
            "permissions",
            "unknown permission '"
                + p
                + "'; known: "
                + Arrays.stream(Permission.values()).map(Permission::value).toList());
      }
      if (!mine.contains(p)) {
        throw new ProblemException(
            ProblemType.FORBIDDEN, "you cannot grant the permission " + p + ", which you lack");
      }
      result.add(p);
    }
    return List.copyOf(result);
  }
}
