package io.smbcopilot.security;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import java.net.URI;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** The verifier of internal tokens, with the gateway's keys fetched from its JWKS. */
@ApplicationScoped
public class SecurityProducers {
  @Produces
  @ApplicationScoped
  InternalTokenVerifier verifier(
      SecurityConfig config,
      @ConfigProperty(
              name = "copilot.services.api-gateway.url",
              defaultValue = "http://localhost:8080")
          String gatewayUrl) {
    URI jwks = URI.create(gatewayUrl + config.jwksPath());
    return new InternalTokenVerifier(
        new JwksCache(JwksCache.fromUrl(jwks), config.jwksMinRefresh(), config.jwksMaxAge()));
  }
}
