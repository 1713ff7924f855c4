package io.smbcopilot.notifications.webhooks;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
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

  /**
   * PEM files of certificate authorities to trust for https receivers besides the JVM's own (an
   * in-cluster receiver with a private CA).
   */
  Optional<List<Path>> trustCertificates();

  /** Whether {@code http://} endpoints are accepted; https only when false. */
  @WithDefault("false")
  boolean allowHttp();

  /** How long the previous secret keeps signing after a rotation. */
  @WithDefault("24h")
  Duration rotationGrace();

  /**
   * The pauses after each failed attempt; attempts in all: one more than pauses. The Standard
   * Webhooks reference schedule by default.
   */
  @WithDefault("5s,5m,30m,2h,5h,10h,10h")
  List<Duration> retrySchedule();

  /** The longest a receiver may take to answer an attempt. */
  @WithDefault("15s")
  Duration timeout();

  /** Deliveries under way at once in this process (all endpoints). */
  @WithDefault("16")
  int workers();

  /** Deliveries under way at once to one endpoint, so a slow receiver cannot hold every worker. */
  @WithDefault("4")
  int perEndpoint();

  /** How long an endpoint may fail without a success before it is disabled. */
  @WithDefault("5d")
  Duration disableAfter();

  /** Endpoints one tenant may register at most. */
  @WithDefault("20")
  int maxEndpoints();
}
