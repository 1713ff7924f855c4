package io.smbcopilot.gateway.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Map;

/** The gateway's settings ({@code copilot.gateway.*}). */
@ConfigMapping(prefix = "copilot.gateway")
public interface GatewayConfig {
  /** Lifetime of the internal tokens the gateway mints (at most 60 s). */
  @WithDefault("30s")
  Duration internalTokenLifetime();

  /** Keycloak's base URL, as the gateway reaches it (for its keys). */
  @WithDefault("${copilot.keycloak.url:http://localhost:8180}")
  String keycloakUrl();

  /** The realm users sign in to. */
  @WithDefault("copilot")
  String realm();

  /**
   * The issuer tokens carry, when clients reach Keycloak by another address than the gateway does
   * (a public host name); by default the keycloak URL and realm.
   */
  java.util.Optional<String> tokenIssuer();

  /**
   * How long a verified access token is remembered (the cache's setting; a token is never taken
   * beyond its own expiry).
   */
  @WithDefault("60s")
  Duration accessTokenCacheTtl();

  /** Most verified access tokens remembered. */
  @WithDefault("10000")
  int accessTokenCacheSize();

  /** The web dashboard's public OpenID Connect client in the realm. */
  @WithDefault("copilot-dashboard")
  String dashboardClientId();

  /** Audience a Keycloak access token must carry. */
  @WithDefault("copilot-api")
  String audience();

  /**
   * Keycloak clients (service accounts) that may ask for an internal token of a user of a tenant,
   * to act for them: the workflow worker, for a workflow's owner.
   */
  @WithDefault("workflow-worker")
  java.util.List<String> onBehalfClients();

  /** How long a user's tenant, roles and permissions are reused before auth-service is asked. */
  @WithDefault("3s")
  Duration principalCacheTtl();

  /** How long an API key's check is reused: a revoked key stops working within this time. */
  @WithDefault("3s")
  Duration apiKeyCacheTtl();

  /** Most principals each of the two caches holds (the least recently used go first). */
  @WithDefault("50000")
  int principalCacheSize();

  /** Timeout of a route that sets none. */
  @WithDefault("30s")
  Duration defaultTimeout();

  /**
   * The longest path and query the gateway takes (characters); a longer one is a 414 problem. The
   * HTTP codec's own limit ({@code quarkus.http.limits.max-initial-line-length}) is above it.
   */
  @WithDefault("8192")
  int maxUriLength();

  /** Timeout of upload routes. */
  @WithDefault("300s")
  Duration uploadTimeout();

  /** Largest request body of a route that sets none. */
  @WithDefault("1M")
  io.quarkus.runtime.configuration.MemorySize bodyLimit();

  /** Largest request body of upload routes. */
  @WithDefault("50M")
  io.quarkus.runtime.configuration.MemorySize uploadLimit();

  /** Extra attempts of an idempotent request whose upstream could not be reached. */
  @WithDefault("2")
  int retries();

  CircuitBreaker circuitBreaker();

  RateLimit rateLimit();

  interface CircuitBreaker {
    /**
     * Requests in a row that failed (unreachable, timeout, 502/503/504; a retried request counts
     * once) that open an upstream's breaker.
     */
    @WithDefault("5")
    int failureThreshold();

    /** How long an open breaker answers 503 before one trial request goes through. */
    @WithDefault("10s")
    Duration openFor();
  }

  interface RateLimit {
    /** Turn rate limiting off altogether. */
    @WithDefault("true")
    boolean enabled();

    /** The plan of a tenant whose plan has no limits configured. */
    @WithDefault("free")
    String defaultPlan();

    /** Limits by plan name: {@code copilot.gateway.rate-limit.plans.<plan>.*}. */
    Map<String, Plan> plans();

    /** How often the shared buckets that are full again are deleted (RateBucketSweep). */
    @WithDefault("1m")
    String sweepEvery();
  }

  interface Plan {
    /** Requests per minute of a whole tenant (0: no limit). */
    @WithDefault("600")
    int tenantPerMinute();

    /** Burst of a whole tenant (the bucket's size). */
    @WithDefault("100")
    int tenantBurst();

    /** Requests per minute of one API key (0: no limit). */
    @WithDefault("300")
    int apiKeyPerMinute();

    /** Burst of one API key. */
    @WithDefault("50")
    int apiKeyBurst();
  }
}
