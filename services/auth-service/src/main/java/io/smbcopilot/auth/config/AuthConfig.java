package io.smbcopilot.auth.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Identity rules of auth-service ({@code copilot.auth.*}). */
@ConfigMapping(prefix = "copilot.auth")
public interface AuthConfig {
  /** How long an invitation can be accepted. */
  @WithDefault("7d")
  Duration invitationTtl();

  /** The plan a new tenant starts on (its rate limits are configured in the gateway). */
  @WithDefault("free")
  String defaultPlan();

  /** The least time between two updates of an API key's last use. */
  @WithDefault("1s")
  Duration lastUseResolution();
}
