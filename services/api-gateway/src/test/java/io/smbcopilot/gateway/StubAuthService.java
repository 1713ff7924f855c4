package io.smbcopilot.gateway;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An auth-service that does what a test tells it, on loopback: it vouches for any API key, and
 * answers {@code /api/v1/me} and {@code /api/v1/signup} in the current {@link Mode}. The gateway is
 * pointed at it, with a small breaker, two retries, a 1 s timeout and a 1 KiB body limit.
 */
public class StubAuthService implements QuarkusTestResourceLifecycleManager {
  /** How the stub answers the proxied calls. */
  public enum Mode {
    OK,
    UNAVAILABLE,
    DROP,
    SLOW
  }

  static final String TENANT = UUID.randomUUID().toString();
  static volatile Mode mode = Mode.OK;
  static final AtomicInteger proxied = new AtomicInteger();
  static final AtomicInteger keyChecks = new AtomicInteger();

  /** While true, key checks are dropped without an answer. */
  static volatile boolean dropKeyChecks;

  private HttpServer server;

  @Override
  public Map<String, String> start() {
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    server.setExecutor(Executors.newFixedThreadPool(8));
    server.createContext(
        "/internal/v1/api-keys/verify",
        exchange -> {
          keyChecks.incrementAndGet();
          if (dropKeyChecks) {
            exchange.close();
            return;
          }
          reply(
              exchange,
              200,
              "{\"keyId\":\"key-1\",\"tenantId\":\""
                  + TENANT
                  + "\",\"plan\":\"free\",\"scopes\":[\"notifications:read\"]}");
        });
    server.createContext("/api/v1/", this::proxied);
    server.start();
    String url = "http://127.0.0.1:" + server.getAddress().getPort();
    return Map.of(
        "copilot.services.auth-service.url", url,
        "copilot.gateway.circuit-breaker.failure-threshold", "3",
        "copilot.gateway.circuit-breaker.open-for", "1s",
        "copilot.gateway.retries", "2",
        "copilot.gateway.default-timeout", "1s",
        "copilot.gateway.body-limit", "1K",
        "copilot.gateway.rate-limit.enabled", "false",
        "copilot.gateway.api-key-cache-ttl", "1s");
  }

  private void proxied(HttpExchange exchange) throws IOException {
    proxied.incrementAndGet();
    try (InputStream in = exchange.getRequestBody()) {
      in.readAllBytes();
    } catch (IOException e) {
      // a body cut short by the gateway
    }
    switch (mode) {
      case OK -> reply(exchange, 200, "{\"ok\":true}");
      case UNAVAILABLE -> reply(exchange, 503, "{\"title\":\"down for maintenance\"}");
      case DROP -> exchange.close();
      case SLOW -> {
        try {
          TimeUnit.MILLISECONDS.sleep(2500);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        reply(exchange, 200, "{\"ok\":\"late\"}");
      }
    }
  }

  private static void reply(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    } catch (IOException e) {
      // the gateway went away
    }
  }

  @Override
  public void stop() {
    if (server != null) {
      server.stop(0);
    }
  }
}
