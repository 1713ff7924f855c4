package io.smbcopilot.gateway.auth;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready only once this replica's internal-token key is registered ({@link SigningKeys}): a replica
 * started while the database is away would otherwise take traffic and sign tokens that services
 * reading the JWKS of another replica cannot verify. It registers by itself within two seconds of
 * the database answering.
 */
@Readiness
@ApplicationScoped
public class SigningKeyReadinessCheck implements HealthCheck {
  private final SigningKeys keys;

  public SigningKeyReadinessCheck(SigningKeys keys) {
    this.keys = keys;
  }

  @Override
  public HealthCheckResponse call() {
    return HealthCheckResponse.named("internal-token signing key")
        .status(keys.registered())
        .withData("kid", keys.signer().keyId())
        .build();
  }
}
