package io.smbcopilot.security;

import java.security.Key;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.jboss.logging.Logger;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.PublicJsonWebKey;

/**
 * The public keys of a JSON Web Key Set, by key id. Loaded on first use, reloaded when a token
 * names a key id it does not know (key rotation, a new gateway replica), at most once per {@code
 * minRefreshInterval}, and in any case after {@code maxAge}. A reload that fails keeps the keys
 * loaded before (stale if error): the set's source being away for a moment (a gateway restarting)
 * must not turn every token it signed before into a 401.
 */
public final class JwksCache {
  private static final Logger LOG = Logger.getLogger(JwksCache.class);
  private static final java.net.http.HttpClient HTTP =
      java.net.http.HttpClient.newBuilder()
          .version(java.net.http.HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(2))
          .build();
  private final Supplier<String> loader;
  private final Duration minRefreshInterval;
  private final Duration maxAge;
  private volatile Map<String, Key> keys = Map.of();
  private volatile long loadedAt;
  private volatile long attemptedAt;

  /**
   * @param loader fetches the JWKS JSON (blocking; called outside the event loop)
   */
  public JwksCache(Supplier<String> loader, Duration minRefreshInterval, Duration maxAge) {
    this.loader = loader;
    this.minRefreshInterval = minRefreshInterval;
    this.maxAge = maxAge;
  }

  /**
   * The key, from what is loaded (however old); null when unknown (then call {@link #refresh()}).
   */
  public Key cached(String kid) {
    return kid == null ? null : keys.get(kid);
  }

  /**
   * True when the set must be reloaded before a token naming this key id is verified: the key is
   * unknown (then {@link #resolve} may wait for the next reload allowed), or the set is older than
   * {@code maxAge} and a reload is not rate-limited. False for a token without a key id.
   */
  public boolean needsRefresh(String kid) {
    return kid != null && (cached(kid) == null || (stale() && mayRefresh()));
  }

  private boolean stale() {
    return loadedAt == 0 || System.nanoTime() - loadedAt > maxAge.toNanos();
  }

  /** True when a reload may run now (it is not rate-limited). */
  public boolean mayRefresh() {
    return System.nanoTime() - attemptedAt >= minRefreshInterval.toNanos() || loadedAt == 0;
  }

  /** Reloads the set (blocking), unless one was tried within the minimum interval. */
  public synchronized void refresh() {
    if (mayRefresh()) {
      load();
    }
  }

  private void load() {
    attemptedAt = System.nanoTime();
    try {
      JsonWebKeySet set = new JsonWebKeySet(loader.get());
      Map<String, Key> loaded = new ConcurrentHashMap<>();
      List<JsonWebKey> all = set.getJsonWebKeys();
      for (JsonWebKey jwk : all) {
        if (jwk.getKeyId() != null && jwk instanceof PublicJsonWebKey pub) {
          if (jwk.getUse() == null || "sig".equals(jwk.getUse())) {
            loaded.put(jwk.getKeyId(), pub.getPublicKey());
          }
        }
      }
      keys = Map.copyOf(loaded);
      loadedAt = System.nanoTime();
    } catch (Exception e) {
      LOG.warnf("could not load the signing keys: %s", e.toString());
    }
  }

  /**
   * The key (blocking; off the event loop), reloading the set when the key is unknown or the set
   * old and a reload is allowed. A key still unknown while reloads are rate-limited waits for the
   * next reload allowed (at most {@code minRefreshInterval}) and is looked for once more: a reload
   * tried moments before, while the set's source was away (a gateway restarting), must not refuse
   * the first tokens of the key that source made when it came back. Waiters share that reload.
   */
  public Key resolve(String kid) {
    if (kid == null) {
      return null;
    }
    Key key = loadIfAllowed(kid);
    if (key == null) {
      long wait = attemptedAt + minRefreshInterval.toNanos() - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(wait);
        key = loadIfAllowed(kid);
      }
    }
    return key;
  }

  private synchronized Key loadIfAllowed(String kid) {
    if ((cached(kid) == null || stale()) && mayRefresh()) {
      load();
    }
    return cached(kid);
  }

  /** A loader that GETs the set from a URL (3 s timeout), for the constructor. */
  public static Supplier<String> fromUrl(java.net.URI uri) {
    return () -> {
      try {
        java.net.http.HttpResponse<String> response =
            HTTP.send(
                java.net.http.HttpRequest.newBuilder(uri)
                    .timeout(Duration.ofSeconds(3))
                    .GET()
                    .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
          throw new IllegalStateException(uri + " answered " + response.statusCode());
        }
        return response.body();
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    };
  }
}
