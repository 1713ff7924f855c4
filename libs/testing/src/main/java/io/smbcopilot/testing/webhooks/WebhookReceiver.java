package io.smbcopilot.testing.webhooks;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * A partner's webhook receiver on loopback for tests: answers as scripted (then by a rule, 200 by
 * default), keeps every request it received, and counts requests that arrived for a {@code
 * webhook-id} while another for the same id was still being answered.
 */
public final class WebhookReceiver implements AutoCloseable {
  /** One answer: its status, headers and body. */
  public record Answer(int status, Map<String, String> headers, String body) {
    public static Answer of(int status) {
      return new Answer(status, Map.of(), "status " + status);
    }
  }

  /** One request received (header names in lower case), with when it came. */
  public record Received(
      String path, Map<String, List<String>> headers, String body, long atMillis) {
    public String header(String name) {
      List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
      return values == null || values.isEmpty() ? null : values.get(0);
    }
  }

  private volatile HttpServer server;
  private final int port;
  private final ConcurrentLinkedQueue<Answer> script = new ConcurrentLinkedQueue<>();
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
  private final AtomicInteger overlaps = new AtomicInteger();
  private final AtomicInteger answering = new AtomicInteger();
  private final AtomicInteger mostAtOnce = new AtomicInteger();
  private volatile Function<Received, Answer> rule = r -> Answer.of(200);
  private volatile Duration delay = Duration.ZERO;

  public WebhookReceiver() throws IOException {
    server = listen(0);
    port = server.getAddress().getPort();
  }

  private HttpServer listen(int on) throws IOException {
    HttpServer http =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), on), 64);
    http.setExecutor(Executors.newCachedThreadPool());
    http.createContext("/", this::handle);
    http.start();
    return http;
  }

  /** The URL of a path on this receiver: {@code http://127.0.0.1:port/path}. */
  public String url(String path) {
    return "http://127.0.0.1:" + port + path;
  }

  /**
   * Goes away as a killed receiver does: its port refuses connections (requests being answered are
   * cut) until {@link #up()}.
   */
  public synchronized void down() {
    server.stop(0);
  }

  /** Listens again on the same port after {@link #down()}. */
  public synchronized void up() throws IOException {
    server = listen(port);
  }

  /** Answers the next requests with these, in order. */
  public WebhookReceiver then(Answer... answers) {
    script.addAll(List.of(answers));
    return this;
  }

  /** Answers by this rule once the script is used up. */
  public WebhookReceiver answering(Function<Received, Answer> rule) {
    this.rule = rule;
    return this;
  }

  /** Takes this long over each answer. */
  public WebhookReceiver slow(Duration delay) {
    this.delay = delay;
    return this;
  }

  public List<Received> received() {
    return List.copyOf(received);
  }

  /** The most requests it was answering at the same time. */
  public int mostAtOnce() {
    return mostAtOnce.get();
  }

  /** Requests that came for a webhook-id whose earlier request was still being answered. */
  public int overlaps() {
    return overlaps.get();
  }

  private void handle(HttpExchange exchange) throws IOException {
    String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    Received request =
        new Received(
            exchange.getRequestURI().getPath(),
            exchange.getRequestHeaders().entrySet().stream()
                .collect(
                    Collectors.toUnmodifiableMap(
                        e -> e.getKey().toLowerCase(Locale.ROOT),
                        Map.Entry::getValue,
                        (a, b) -> a)),
            body,
            System.currentTimeMillis());
    received.add(request);
    mostAtOnce.accumulateAndGet(answering.incrementAndGet(), Math::max);
    String id = request.header("webhook-id");
    boolean tracked = id != null && inFlight.add(id);
    if (id != null && !tracked) {
      overlaps.incrementAndGet();
    }
    try {
      if (!delay.isZero()) {
        Thread.sleep(delay);
      }
      Answer answer = script.poll();
      if (answer == null) {
        answer = rule.apply(request);
      }
      byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
      answer.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
      exchange.sendResponseHeaders(answer.status(), bytes.length == 0 ? -1 : bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      answering.decrementAndGet();
      if (tracked) {
        inFlight.remove(id);
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
