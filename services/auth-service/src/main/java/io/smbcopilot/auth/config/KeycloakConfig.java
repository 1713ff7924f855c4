package io.smbcopilot.auth.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** Where Keycloak is and how auth-service signs in to its Admin REST API. */
@ConfigMapping(prefix = "copilot.keycloak")
public interface KeycloakConfig {
  /** Keycloak's base URL. */
  @WithDefault("http://localhost:8180")
  String url();

  /** The platform's realm. */
  @WithDefault("copilot")
  String realm();

  /** The confidential client whose service account may manage users. */
  @WithDefault("auth-service")
  String adminClientId();

  /** Its secret (from a Kubernetes secret in a cluster, from the devstack locally). */
  Optional<String> adminClientSecret();

  /** Timeout of each Admin REST call. */
  @WithDefault("10s")
  Duration timeout();
}
