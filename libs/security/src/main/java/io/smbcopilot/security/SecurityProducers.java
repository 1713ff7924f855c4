package io.smbcopilot.security;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** The verifier of internal tokens, with the gateway's keys fetched from its JWKS. */
@ApplicationScoped
public class SecurityProducers {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

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
        new JwksCache(() -> fetch(jwks), config.jwksMinRefresh(), config.jwksMaxAge()));
  }

  static String fetch(URI uri) {
    try {
      HttpResponse<String> response =
          HTTP.send(
              HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(3)).GET().build(),
              HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new IllegalStateException(uri + " answered " + response.statusCode());
      }
      return response.body();
    } catch (java.io.IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
