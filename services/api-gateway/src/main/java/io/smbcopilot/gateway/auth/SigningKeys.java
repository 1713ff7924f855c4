package io.smbcopilot.gateway.auth;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smbcopilot.gateway.config.GatewayConfig;
import io.smbcopilot.security.InternalToken;
import io.smbcopilot.security.InternalTokenSigner;
import io.vertx.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.LinkedHashSet;
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
  private static final long JWKS_CACHE_NANOS = Duration.ofSeconds(1).toNanos();

  private final Pool pool;
  private final Vertx vertx;
  private final InternalTokenSigner signer;
  private volatile boolean registered;
  private volatile String jwks;
  private volatile long jwksAt;

  public SigningKeys(Pool pool, Vertx vertx, GatewayConfig config) {
    this.pool = pool;
    this.vertx = vertx;
    this.signer = new InternalTokenSigner((int) config.internalTokenLifetime().toSeconds());
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

  private void register() {
    try {
      pool.preparedQuery(
              "INSERT INTO signing_key (kid, algorithm, public_jwk) VALUES ($1, $2, $3::text::jsonb)"
                  + " ON CONFLICT (kid) DO NOTHING")
          .execute(Tuple.of(signer.keyId(), InternalToken.ALGORITHM, signer.publicJwk()))
          .await()
          .atMost(Duration.ofSeconds(10));
      pool.query("DELETE FROM signing_key WHERE retired_at < now() - interval '1 day'")
          .execute()
          .await()
          .atMost(Duration.ofSeconds(10));
      registered = true;
      jwks = null;
      LOG.infof("internal-token key %s registered", signer.keyId());
    } catch (RuntimeException e) {
      LOG.warnf("could not register the internal-token key yet: %s", e.toString());
    }
  }

  void onStop(@Observes ShutdownEvent event) {
    try {
      pool.preparedQuery("UPDATE signing_key SET retired_at = now() WHERE kid = $1")
          .execute(Tuple.of(signer.keyId()))
          .await()
          .atMost(Duration.ofSeconds(5));
    } catch (RuntimeException e) {
      LOG.warnf("could not retire key %s: %s", signer.keyId(), e.toString());
    }
  }

  public InternalTokenSigner signer() {
    return signer;
  }

  /**
   * The JWKS of every live replica (and keys retired within the last ten minutes), cached for a
   * second. This replica's own key is always in it.
   */
  public io.smallrye.mutiny.Uni<String> jwks() {
    String cached = jwks;
    if (cached != null && System.nanoTime() - jwksAt < JWKS_CACHE_NANOS) {
      return io.smallrye.mutiny.Uni.createFrom().item(cached);
    }
    return pool.preparedQuery(
            "SELECT public_jwk::text AS jwk FROM signing_key WHERE kid <> $1"
                + " AND (retired_at IS NULL OR retired_at > now() - interval '10 minutes')")
        .execute(Tuple.of(signer.keyId()))
        .map(
            rows -> {
              Set<String> keys = new LinkedHashSet<>();
              keys.add(signer.publicJwk());
              for (Row row : rows) {
                keys.add(row.getString("jwk"));
              }
              String value = "{\"keys\":[" + String.join(",", keys) + "]}";
              jwks = value;
              jwksAt = System.nanoTime();
              return value;
            })
        .onFailure()
        .recoverWithItem(() -> "{\"keys\":[" + signer.publicJwk() + "]}");
  }
}
