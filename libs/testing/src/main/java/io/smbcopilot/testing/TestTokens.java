package io.smbcopilot.testing;

import com.sun.net.httpserver.HttpServer;
import io.smbcopilot.security.InternalToken;
import io.smbcopilot.security.InternalTokenSigner;
import io.smbcopilot.security.PrincipalType;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;

/**
 * Internal tokens for a service's own tests, signed by the gateway's issuer class ({@link
 * InternalTokenSigner}) and verifiable through a JWKS served on loopback, in the place of the
 * gateway's. One per test JVM.
 */
public final class TestTokens {
  private static TestTokens instance;

  private final InternalTokenSigner signer = new InternalTokenSigner(60);
  private final HttpServer server;

  private TestTokens() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
    server.createContext(
        "/.well-known/internal-jwks.json",
        exchange -> {
          byte[] body =
              ("{\"keys\":[" + signer.publicJwk() + "]}").getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "application/jwk-set+json");
          exchange.sendResponseHeaders(200, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    server.start();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> server.stop(0)));
  }

  public static synchronized TestTokens get() {
    if (instance == null) {
      try {
        instance = new TestTokens();
      } catch (IOException e) {
        throw new IllegalStateException("cannot serve the test JWKS", e);
      }
    }
    return instance;
  }

  /** The base URL to give a service as {@code copilot.services.api-gateway.url}. */
  public String gatewayUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  public String sign(InternalToken token) {
    return signer.sign(token);
  }

  /** A user of the tenant with the given permissions. */
  public String user(UUID tenantId, String userId, String role, List<String> permissions) {
    return sign(
        new InternalToken(
            tenantId.toString(),
            userId,
            PrincipalType.USER,
            List.of(role),
            permissions,
            List.of(),
            "test-" + UUID.randomUUID(),
            "127.0.0.1",
            "free"));
  }

  public String anonymous() {
    return sign(InternalToken.anonymous("test-" + UUID.randomUUID(), "127.0.0.1"));
  }
}
