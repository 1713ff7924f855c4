package io.smbcopilot.devstack;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Quarkus test resource: points a service's tests at the shared test stack (real PostgreSQL and
 * Kafka by default), with the service's own database role and schema.
 *
 * <p>Arguments: {@code service} (required, e.g. {@code auth-service}); {@code components}
 * (comma-separated, default {@code postgres,kafka}).
 */
public class DevStackResource implements QuarkusTestResourceLifecycleManager {
  private String service;
  private List<String> components = List.of(Names.POSTGRES, Names.KAFKA);

  @Override
  public void init(Map<String, String> initArgs) {
    service = initArgs.get("service");
    if (service == null || service.isBlank()) {
      throw new IllegalArgumentException("DevStackResource needs the 'service' argument");
    }
    String list = initArgs.get("components");
    if (list != null && !list.isBlank()) {
      components = Arrays.stream(list.split(",")).map(String::trim).toList();
    }
  }

  @Override
  public Map<String, String> start() {
    try {
      DevStack stack = DevStack.forTests(components);
      Map<String, String> state = stack.status();
      Map<String, String> config = new HashMap<>();
      if (components.contains(Names.POSTGRES)) {
        Map<String, String> db = stack.provision(service);
        config.put("quarkus.datasource.username", db.get("username"));
        config.put("quarkus.datasource.password", db.get("password"));
        config.put("quarkus.datasource.jdbc.url", db.get("jdbc-url"));
        config.put("quarkus.datasource.reactive.url", db.get("reactive-url"));
      }
      if (components.contains(Names.KAFKA)) {
        config.put("kafka.bootstrap.servers", state.get("kafka.bootstrap-servers"));
      }
      if (components.contains(Names.KEYCLOAK)) {
        config.put("copilot.keycloak.url", state.get("keycloak.url"));
        if (service.equals("auth-service")) {
          config.put(
              "copilot.keycloak.admin-client-secret", stack.keycloakClientSecret("auth-service"));
        }
      }
      if (components.contains(Names.SMTP)) {
        config.put("copilot.smtp.host", Net.LOOPBACK);
        config.put("copilot.smtp.port", state.get("smtp.port"));
        config.put("copilot.smtp.api-url", state.get("smtp.api-url"));
        config.put("copilot.smtp.imap-port", state.get("smtp.imap-port"));
      }
      return config;
    } catch (Exception e) {
      throw new IllegalStateException("could not start the devstack: " + e.getMessage(), e);
    }
  }

  @Override
  public void stop() {
    // The stack belongs to the build: the supervisor stops it when the Maven process ends.
  }
}
