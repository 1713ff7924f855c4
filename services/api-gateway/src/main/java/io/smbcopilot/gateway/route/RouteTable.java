package io.smbcopilot.gateway.route;

import io.smbcopilot.gateway.config.GatewayConfig;
import io.smbcopilot.security.Permission;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The public API (design section 5): which service owns each route and the permission it needs. The
 * first matching route wins. The services check the same permissions again.
 */
@ApplicationScoped
public class RouteTable {
  public static final String AUTH = "auth-service";
  public static final String INGESTION = "ingestion-service";
  public static final String WORKFLOW = "workflow-worker";
  public static final String NOTIFICATIONS = "notifications-service";

  private static final Set<String> READ = Set.of("GET", "HEAD");
  private static final Set<String> WRITE = Set.of("POST", "PUT", "PATCH", "DELETE");
  private static final Set<String> ALL = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE");
  private static final Set<String> POST = Set.of("POST");

  private final List<Route> routes = new ArrayList<>();
  private final GatewayConfig config;

  public RouteTable(GatewayConfig config) {
    this.config = config;
    // identity
    open(POST, "/api/v1/signup", AUTH);
    open(POST, "/api/v1/invitations/accept", AUTH);
    add(READ, "/api/v1/me", AUTH, null);
    // a person leaves the business themselves: no permission but being a member
    add(Set.of("DELETE"), "/api/v1/me/membership", AUTH, null);
    // a person's own export: no permission but being a member (the worker builds it)
    add(POST, "/api/v1/me/export", WORKFLOW, null);
    add(READ, "/api/v1/me/exports/**", WORKFLOW, null);
    add(ALL, "/api/v1/members/**", AUTH, Permission.MEMBERS_MANAGE);
    add(ALL, "/api/v1/roles/**", AUTH, Permission.MEMBERS_MANAGE);
    add(ALL, "/api/v1/api-keys/**", AUTH, Permission.API_KEYS_MANAGE);
    add(READ, "/api/v1/audit-events/**", AUTH, Permission.AUDIT_READ);
    // the tenant's export: the worker builds it from every service's part
    add(POST, "/api/v1/tenant/export", WORKFLOW, Permission.TENANT_MANAGE);
    add(READ, "/api/v1/tenant/exports/**", WORKFLOW, Permission.TENANT_MANAGE);
    add(ALL, "/api/v1/tenant/**", AUTH, Permission.TENANT_MANAGE);
    // knowledge
    add(READ, "/api/v1/collections/**", INGESTION, Permission.DOCUMENTS_READ);
    add(WRITE, "/api/v1/collections/**", INGESTION, Permission.DOCUMENTS_WRITE);
    upload("/api/v1/documents", INGESTION, Permission.DOCUMENTS_WRITE);
    add(READ, "/api/v1/documents/**", INGESTION, Permission.DOCUMENTS_READ);
    add(WRITE, "/api/v1/documents/**", INGESTION, Permission.DOCUMENTS_WRITE);
    add(POST, "/api/v1/search", INGESTION, Permission.SEARCH);
    // copilot and workflows
    add(POST, "/api/v1/copilot/ask", WORKFLOW, Permission.COPILOT_ASK);
    add(ALL, "/api/v1/copilot/conversations/**", WORKFLOW, Permission.COPILOT_ASK);
    add(ALL, "/api/v1/copilot/evaluations/**", WORKFLOW, Permission.TENANT_MANAGE);
    add(ALL, "/api/v1/copilot/settings/**", WORKFLOW, Permission.TENANT_MANAGE);
    add(READ, "/api/v1/usage/**", WORKFLOW, Permission.TENANT_MANAGE);
    add(READ, "/api/v1/workflow-templates/**", WORKFLOW, Permission.WORKFLOWS_READ);
    add(POST, "/api/v1/workflows/{id}/runs", WORKFLOW, Permission.WORKFLOWS_RUN);
    add(READ, "/api/v1/workflows/**", WORKFLOW, Permission.WORKFLOWS_READ);
    add(WRITE, "/api/v1/workflows/**", WORKFLOW, Permission.WORKFLOWS_MANAGE);
    add(READ, "/api/v1/runs/**", WORKFLOW, Permission.WORKFLOWS_READ);
    add(POST, "/api/v1/runs/{id}/cancel", WORKFLOW, Permission.WORKFLOWS_RUN);
    add(POST, "/api/v1/runs/{id}/retry", WORKFLOW, Permission.WORKFLOWS_RUN);
    add(POST, "/api/v1/runs/{id}/approvals", WORKFLOW, Permission.WORKFLOWS_RUN);
    // a workflow's webhook trigger: no sign-in, the call is signed with the workflow's secret
    open(POST, "/api/v1/hooks/workflows/{id}", WORKFLOW);
    // notifications
    add(READ, "/api/v1/notifications/**", NOTIFICATIONS, Permission.NOTIFICATIONS_READ);
    add(POST, "/api/v1/notifications/{id}/read", NOTIFICATIONS, Permission.NOTIFICATIONS_READ);
    add(POST, "/api/v1/notifications/read-all", NOTIFICATIONS, Permission.NOTIFICATIONS_READ);
    // a mail's one-click unsubscribe: no sign-in, the link's token is signed (GET asks, POST acts)
    open(READ, "/api/v1/notification-preferences/unsubscribe", NOTIFICATIONS);
    open(POST, "/api/v1/notification-preferences/unsubscribe", NOTIFICATIONS);
    add(ALL, "/api/v1/notification-preferences/**", NOTIFICATIONS, Permission.NOTIFICATIONS_READ);
    add(ALL, "/api/v1/webhooks/**", NOTIFICATIONS, Permission.WEBHOOKS_MANAGE);
  }

  private void add(Set<String> methods, String template, String upstream, Permission permission) {
    route(methods, template, upstream, permission, false, false);
  }

  private void open(Set<String> methods, String template, String upstream) {
    route(methods, template, upstream, null, true, false);
  }

  private void upload(String template, String upstream, Permission permission) {
    route(POST, template, upstream, permission, false, true);
  }

  private void route(
      Set<String> methods,
      String template,
      String upstream,
      Permission permission,
      boolean isPublic,
      boolean upload) {
    routes.add(
        new Route(
            methods,
            template,
            Route.compile(template),
            upstream,
            permission,
            isPublic,
            upload,
            upload ? config.uploadTimeout() : config.defaultTimeout()));
  }

  /** The first route with this method and path (every readable route takes HEAD as GET). */
  public Optional<Route> match(String method, String path) {
    return routes.stream().filter(r -> r.matches(method, path)).findFirst();
  }

  /** True when some route has this path, whatever the method (for 405 rather than 404). */
  public boolean knowsPath(String path) {
    return routes.stream().anyMatch(r -> r.pattern().matcher(path).matches());
  }

  public Set<String> upstreams() {
    return Set.of(AUTH, INGESTION, WORKFLOW, NOTIFICATIONS);
  }
}
