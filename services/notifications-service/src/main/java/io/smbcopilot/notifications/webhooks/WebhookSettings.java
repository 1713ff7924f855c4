package io.smbcopilot.notifications.webhooks;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** The deployment's rules for partner webhooks ({@code copilot.webhooks.*}). */
@ConfigMapping(prefix = "copilot.webhooks")
public interface WebhookSettings {
  /**
   * Hosts a tenant's endpoint may name although they resolve to internal addresses (test receivers,
   * in-cluster services), by name.
   */
  Optional<List<String>> allowedHosts();

  /** Whether {@code http://} endpoints are accepted; https only when false. */
  @WithDefault("false")
  boolean allowHttp();

  /** How long the previous secret keeps signing after a rotation. */
  @WithDefault("24h")
  Duration rotationGrace();

  /** Endpoints one tenant may register at most. */
  @WithDefault("20")
  int maxEndpoints();
}
