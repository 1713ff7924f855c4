package io.smbcopilot.gateway.auth;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smbcopilot.gateway.config.GatewayConfig;
import io.smbcopilot.gateway.repository.SigningKeyRepository;
import io.smbcopilot.security.InternalToken;
import io.smbcopilot.security.InternalTokenSigner;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * The internal-token key of this gateway replica: made in memory at start (the private key never
 * leaves the process), its public half registered in the shared {@code signing_key} table, so the
 * JWKS every replica serves lists the keys of all replicas. Retired at shutdown; still served for a
 * while after, for tokens in flight.
 */
@ApplicationScoped
public class SigningKeys {
  private static final Logger LOG = Logger.getLogger(SigningKeys.class);
  private static final Duration JWKS_CACHE = Duration.ofSeconds(1);

  private final SigningKeyRepository keys;
  private final Vertx vertx;
  private final InternalTokenSigner signer;
  private final long jwksCacheNanos;
  private volatile boolean registered;
  private volatile String jwks;
  private volatile long jwksAt;
  private volatile List<String> othersKnown = List.of();

  @Inject
  public SigningKeys(SigningKeyRepository keys, Vertx vertx, GatewayConfig config) {
    this(keys, vertx, config, JWKS_CACHE);
  }

  SigningKeys(SigningKeyRepository keys, Vertx vertx, GatewayConfig config, Duration jwksCache) {
    this.keys = keys;
    this.vertx = vertx;
    this.signer = new InternalTokenSigner((int) config.internalTokenLifetime().toSeconds());
    this.jwksCacheNanos = jwksCache.toNanos();
  }

  void onStart(@Observes StartupEvent event) {
    register();
    if (!registered) {
      vertx.setPeriodic(
          2000,
          id -> {
            if (registered) {
              vertx.cancelTimer(id);
            } else {
              vertx.executeBlocking(
                  () -> {
                    register();
                    return null;
                  });
            }
          });
    }
  }

  /**
   * True once this replica's key is in the shared table: until then the other replicas' JWKS lack
   * it, and a service reading the set from one of them would refuse the tokens signed here.
   */
  public boolean registered() {
    return registered;
  }

  void register() {
    try {
      keys.register(signer.keyId(), InternalToken.ALGORITHM, signer.publicJwk())
          .await()
          .atMost(Duration.ofSeconds(20));
      registered = true;
      jwks = null;
      LOG.infof("internal-token key %s registered", signer.keyId());
    } catch (RuntimeException e) {
      LOG.warnf("could not register the internal-token key yet: %s", e.toString());
    }
  }

  void onStop(@Observes ShutdownEvent event) {
    try {
      keys.retire(signer.keyId()).await().atMost(Duration.ofSeconds(5));
    } catch (RuntimeException e) {
      LOG.warnf("could not retire key %s: %s", signer.keyId(), e.toString());
    }
  }

  public InternalTokenSigner signer() {
    return signer;
  }

  /**
   * The JWKS of every live replica (and keys retired within the last ten minutes), cached for a
   * second. This replica's own key is always in it. While the database is away, the other replicas'
   * keys as last read: a service reloading the set then (its copy grown old, a token of a new key)
   * must not lose the keys of the replicas still signing.
   */
  public io.smallrye.mutiny.Uni<String> jwks() {
    String cached = jwks;
    if (cached != null && System.nanoTime() - jwksAt < jwksCacheNanos) {
      return io.smallrye.mutiny.Uni.createFrom().item(cached);
    }
    return keys.othersThan(signer.keyId())
        .map(
            others -> {
              othersKnown = List.copyOf(others);
              String value = set(others);
              jwks = value;
              jwksAt = System.nanoTime();
              return value;
            })
        .onFailure()
        .recoverWithItem(() -> set(othersKnown));
  }

  private String set(List<String> others) {
    Set<String> all = new LinkedHashSet<>();
    all.add(signer.publicJwk());
    all.addAll(others);
    return "{\"keys\":[" + String.join(",", all) + "]}";
  }
}
