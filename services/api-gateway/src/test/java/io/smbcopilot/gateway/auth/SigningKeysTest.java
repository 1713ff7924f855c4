package io.smbcopilot.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.mutiny.Uni;
import io.smbcopilot.gateway.config.GatewayConfig;
import io.smbcopilot.gateway.repository.SigningKeyRepository;
import io.smbcopilot.security.InternalTokenSigner;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The JWKS a replica serves, with the database there and away. */
class SigningKeysTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The other replicas' keys as the database holds them; null: the database is away. */
  private final AtomicReference<List<String>> stored = new AtomicReference<>();

  /** Whether the database takes a registration. */
  private final java.util.concurrent.atomic.AtomicBoolean registering =
      new java.util.concurrent.atomic.AtomicBoolean();

  private final SigningKeyRepository repository =
      new SigningKeyRepository(null) {
        @Override
        public Uni<Void> register(String kid, String algorithm, String publicJwk) {
          return registering.get()
              ? Uni.createFrom().voidItem()
              : Uni.createFrom().failure(new IllegalStateException("the database is away"));
        }

        @Override
        public Uni<List<String>> othersThan(String kid) {
          List<String> keys = stored.get();
          return keys == null
              ? Uni.createFrom().failure(new IllegalStateException("the database is away"))
              : Uni.createFrom().item(keys);
        }
      };

  private final GatewayConfig config =
      (GatewayConfig)
          Proxy.newProxyInstance(
              GatewayConfig.class.getClassLoader(),
              new Class<?>[] {GatewayConfig.class},
              (proxy, method, args) -> {
                if (method.getName().equals("internalTokenLifetime")) {
                  return Duration.ofSeconds(60);
                }
                throw new UnsupportedOperationException(method.getName());
              });

  private List<String> kids(String jwks) throws Exception {
    List<String> kids = new ArrayList<>();
    for (JsonNode key : JSON.readTree(jwks).get("keys")) {
      kids.add(key.get("kid").asText());
    }
    return kids;
  }

  @Test
  void whileTheDatabaseIsAwayTheOtherReplicasKeysAsLastReadAreServed() throws Exception {
    // no cache of a second: each call reads the database
    SigningKeys keys = new SigningKeys(repository, null, config, Duration.ZERO);
    String own = keys.signer().keyId();
    InternalTokenSigner other = new InternalTokenSigner(60);

    // never read, the database away: this replica's own key
    assertThat(kids(keys.jwks().await().indefinitely())).containsExactly(own);

    stored.set(List.of(other.publicJwk()));
    assertThat(kids(keys.jwks().await().indefinitely())).containsExactly(own, other.keyId());

    // the database away again: both keys still, as last read
    stored.set(null);
    assertThat(kids(keys.jwks().await().indefinitely())).containsExactly(own, other.keyId());

    // back, the other replica's key gone (retired long ago): gone from the set too
    stored.set(List.of());
    assertThat(kids(keys.jwks().await().indefinitely())).containsExactly(own);
    stored.set(null);
    assertThat(kids(keys.jwks().await().indefinitely())).containsExactly(own);
  }

  @Test
  void aReplicaIsReadyOnlyOnceItsKeyIsRegistered() {
    SigningKeys keys = new SigningKeys(repository, null, config, Duration.ZERO);
    SigningKeyReadinessCheck check = new SigningKeyReadinessCheck(keys);
    // started while the database is away: not ready, its key in no other replica's set
    keys.register();
    assertThat(check.call().getStatus())
        .isEqualTo(org.eclipse.microprofile.health.HealthCheckResponse.Status.DOWN);
    registering.set(true);
    keys.register();
    assertThat(check.call().getStatus())
        .isEqualTo(org.eclipse.microprofile.health.HealthCheckResponse.Status.UP);
    assertThat(check.call().getData().orElseThrow()).containsEntry("kid", keys.signer().keyId());
  }
}
