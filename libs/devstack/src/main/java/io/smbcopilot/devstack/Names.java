package io.smbcopilot.devstack;

import java.util.List;

/** Names of the components the devstack knows. */
public final class Names {
  public static final String POSTGRES = "postgres";
  public static final String KAFKA = "kafka";
  public static final String KEYCLOAK = "keycloak";
  public static final String SMTP = "smtp";

  /** Optional: started after the services, by {@code ./copilot up --monitoring}. */
  public static final String PROMETHEUS = "prometheus";

  /** In start order: Keycloak needs Postgres. */
  public static final List<String> ALL = List.of(POSTGRES, KAFKA, SMTP, KEYCLOAK);

  /** The five platform services, in start order. */
  public static final List<String> SERVICES =
      List.of(
          "api-gateway",
          "auth-service",
          "ingestion-service",
          "workflow-worker",
          "notifications-service");

  private Names() {}
}
