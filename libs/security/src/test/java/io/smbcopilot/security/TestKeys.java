package io.smbcopilot.security;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import jakarta.enterprise.inject.Produces;
import java.time.Duration;

/** SecurityTest's gateway keys: the verifier trusts {@link #SIGNER} only. */
@ApplicationScoped
public class TestKeys {
  static final InternalTokenSigner SIGNER = new InternalTokenSigner(30);

  @Produces
  @Alternative
  @Priority(1)
  @ApplicationScoped
  InternalTokenVerifier verifier() {
    return new InternalTokenVerifier(
        new JwksCache(
            () -> "{\"keys\":[" + SIGNER.publicJwk() + "]}",
            Duration.ZERO,
            Duration.ofMinutes(10)));
  }
}
