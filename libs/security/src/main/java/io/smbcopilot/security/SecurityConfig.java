package io.smbcopilot.security;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Settings of the internal-token check every service runs ({@code copilot.security.*}). */
@ConfigMapping(prefix = "copilot.security")
public interface SecurityConfig {
  /**
   * Verify the internal token on every request but {@code /q/*}. Only the gateway, which checks
   * client credentials itself, turns this off.
   */
  @WithDefault("true")
  boolean internalAuth();

  /** The gateway's JWKS path, appended to {@code copilot.services.api-gateway.url}. */
  @WithDefault("/.well-known/internal-jwks.json")
  String jwksPath();

  /** Least time between two reloads of the gateway's keys for an unknown key id. */
  @WithDefault("2s")
  Duration jwksMinRefresh();

  /** Keys are reloaded at least this often; a failed reload keeps the keys loaded before. */
  @WithDefault("10m")
  Duration jwksMaxAge();
}
