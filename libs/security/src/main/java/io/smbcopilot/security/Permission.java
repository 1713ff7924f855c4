package io.smbcopilot.security;

import java.util.Arrays;
import java.util.Optional;

/**
 * The fixed permission catalog. Roles (built-in and custom) and API key scopes are sets of these;
 * the gateway checks a route's permission at the edge and the service checks it again.
 */
public enum Permission {
  DOCUMENTS_READ("documents:read"),
  DOCUMENTS_WRITE("documents:write"),
  SEARCH("search"),
  COPILOT_ASK("copilot:ask"),
  WORKFLOWS_READ("workflows:read"),
  WORKFLOWS_RUN("workflows:run"),
  WORKFLOWS_MANAGE("workflows:manage"),
  NOTIFICATIONS_READ("notifications:read"),
  WEBHOOKS_MANAGE("webhooks:manage"),
  MEMBERS_MANAGE("members:manage"),
  API_KEYS_MANAGE("api-keys:manage"),
  AUDIT_READ("audit:read"),
  TENANT_MANAGE("tenant:manage");

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
