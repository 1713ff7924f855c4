package io.smbcopilot.security;

import java.util.Arrays;
import java.util.Optional;

/**
 * The fixed permission catalog. Roles (built-in and custom) and API key scopes are sets of these;
 * the gateway checks a route's permission at the edge and the service checks it again.
 */
public enum Permission {
  DOCUMENTS_READ(Names.DOCUMENTS_READ),
  DOCUMENTS_WRITE(Names.DOCUMENTS_WRITE),
  SEARCH(Names.SEARCH),
  COPILOT_ASK(Names.COPILOT_ASK),
  WORKFLOWS_READ(Names.WORKFLOWS_READ),
  WORKFLOWS_RUN(Names.WORKFLOWS_RUN),
  WORKFLOWS_MANAGE(Names.WORKFLOWS_MANAGE),
  NOTIFICATIONS_READ(Names.NOTIFICATIONS_READ),
  WEBHOOKS_MANAGE(Names.WEBHOOKS_MANAGE),
  MEMBERS_MANAGE(Names.MEMBERS_MANAGE),
  API_KEYS_MANAGE(Names.API_KEYS_MANAGE),
  AUDIT_READ(Names.AUDIT_READ),
  TENANT_MANAGE(Names.TENANT_MANAGE);

  /**
   * The permissions' names as constants, for {@code @PermissionsAllowed(Permission.Names.X)}
   * (annotation values must be constants).
   */
  public static final class Names {
    public static final String DOCUMENTS_READ = "documents:read";
    public static final String DOCUMENTS_WRITE = "documents:write";
    public static final String SEARCH = "search";
    public static final String COPILOT_ASK = "copilot:ask";
    public static final String WORKFLOWS_READ = "workflows:read";
    public static final String WORKFLOWS_RUN = "workflows:run";
    public static final String WORKFLOWS_MANAGE = "workflows:manage";
    public static final String NOTIFICATIONS_READ = "notifications:read";
    public static final String WEBHOOKS_MANAGE = "webhooks:manage";
    public static final String MEMBERS_MANAGE = "members:manage";
    public static final String API_KEYS_MANAGE = "api-keys:manage";
    public static final String AUDIT_READ = "audit:read";
    public static final String TENANT_MANAGE = "tenant:manage";

    private Names() {}
  }

  private final String value;

  Permission(String value) {
    this.value = value;
  }

  /** The name used in tokens, roles, scopes and the API, e.g. {@code documents:read}. */
  public String value() {
    return value;
  }

  @Override
  public String toString() {
    return value;
  }

  public static Optional<Permission> byValue(String value) {
    return Arrays.stream(values()).filter(p -> p.value.equals(value)).findFirst();
  }
}
