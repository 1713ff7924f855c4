package io.smbcopilot.testing.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A stand-in for an LLM provider's streaming API, on loopback, following its documented wire format
 * exactly: OpenAI's chat completions ({@code POST /chat/completions}, {@code data:} chunks, the
 * usage chunk with empty {@code choices} when {@code stream_options.include_usage} asks for it,
 * {@code data: [DONE]}) or Anthropic's Messages ({@code POST /messages}, {@code message_start} with
 * the input tokens, {@code content_block_start}, {@code ping}, {@code content_block_delta}, {@code
 * content_block_stop}, {@code message_delta} with the cumulative output tokens, {@code
 * message_stop}, and {@code error} events). Each request takes the next queued {@link Reply}, or
 * the default one, which answers from the prompt with {@link #answerer}.
 */
public final class ProviderStub implements AutoCloseable {
  public enum Api {
    OPENAI,
    ANTHROPIC
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * What the stub does with one request.
   *
   * @param status the HTTP status; not 200: {@code body} is sent as the error, with {@code headers}
   * @param chunks the answer's text pieces
   * @param firstDelay before the first text piece
   * @param between between pieces
   * @param usage report usage (false: the provider sends none)
   * @param end how the stream ends: {@code complete}, {@code break} (the connection just closes) or
   *     {@code error} (Anthropic's mid-stream {@code error} event, {@code overloaded_error})
   */
  public record Reply(
      int status,
      Map<String, String> headers,
      String body,
      List<String> chunks,
      Duration firstDelay,
      Duration between,
      boolean usage,
      String end,
      boolean pinging) {
    public static Reply text(String... chunks) {
      return new Reply(
          200,
          Map.of(),
          null,
          List.of(chunks),
          Duration.ZERO,
          Duration.ZERO,
          true,
          "complete",
          false);
    }

    public static Reply status(int status, Map<String, String> headers, String body) {
      return new Reply(
          status, headers, body, List.of(), Duration.ZERO, Duration.ZERO, true, "complete", false);
    }

    public Reply slowFirst(Duration delay) {
      return new Reply(status, headers, body, chunks, delay, between, usage, end, pinging);
    }

    public Reply every(Duration gap) {
      return new Reply(status, headers, body, chunks, firstDelay, gap, usage, end, pinging);
    }

    public Reply withoutUsage() {
      return new Reply(status, headers, body, chunks, firstDelay, between, false, end, pinging);
    }

    public Reply breaking() {
      return new Reply(status, headers, body, chunks, firstDelay, between, usage, "break", pinging);
    }

    /**
     * While the first token is awaited, the stream keeps itself alive: Anthropic's {@code ping}
     * event, an SSE comment ({@code : keep-alive}) for OpenAI-compatible servers. So the stub sees
     * a client that went away before the first token as soon as it leaves.
     */
    public Reply keepingAlive() {
      return new Reply(status, headers, body, chunks, firstDelay, between, usage, end, true);
    }

    public Reply erroring() {
      return new Reply(status, headers, body, chunks, firstDelay, between, usage, "error", pinging);
    }
  }

  private final Api api;
  private final HttpServer server;
  private final ConcurrentLinkedQueue<Reply> queue = new ConcurrentLinkedQueue<>();
  private final List<JsonNode> requests = Collections.synchronizedList(new ArrayList<>());
  private final List<Map<String, List<String>>> requestHeaders =
      Collections.synchronizedList(new ArrayList<>());
  private final List<Long> arrivals = Collections.synchronizedList(new ArrayList<>());
  private final AtomicInteger abandoned = new AtomicInteger();
  private final AtomicInteger completed = new AtomicInteger();
  private volatile Function<String, String> answerer = prompt -> "I don't know from the documents.";
  private volatile int inputTokens = 42;

  static {
    // Like the providers' own servers (and nginx's default), small writes go out at once: without
    // it the JDK's server holds each event after the first until the client's delayed ACK, up to
    // 40 ms, whenever a connection is kept alive.
    System.setProperty("sun.net.httpserver.nodelay", "true");
  }

  private ProviderStub(Api api) throws IOException {
    this.api = api;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    server.setExecutor(
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "provider-stub");
              t.setDaemon(true);
              return t;
            }));
    server.createContext(api == Api.OPENAI ? "/v1/chat/completions" : "/v1/messages", this::handle);
    server.start();
  }

  public static ProviderStub start(Api api) throws IOException {
    return new ProviderStub(api);
  }

  /** The base URL to configure: {@code http://127.0.0.1:port/v1}. */
  public String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
  }

  /** How the default reply answers: from the prompt's last user message to the text. */
  public ProviderStub answerer(Function<String, String> answerer) {
    this.answerer = answerer;
    return this;
  }

  /** The prompt's size the replies report, in tokens (42 unless set). */
  public ProviderStub inputTokens(int tokens) {
    this.inputTokens = tokens;
    return this;
  }

  public ProviderStub enqueue(Reply reply) {
    queue.add(reply);
    return this;
  }

  public List<JsonNode> requests() {
    return List.copyOf(requests);
  }

  public List<Map<String, List<String>>> requestHeaders() {
    return List.copyOf(requestHeaders);
  }

  /** When each request arrived, in {@link System#nanoTime()}'s milliseconds. */
  public List<Long> arrivals() {
    return List.copyOf(arrivals);
  }

  /** Streams whose client went away before their end. */
  public int abandoned() {
    return abandoned.get();
  }

  /** Streams sent to their end. */
  public int completed() {
    return completed.get();
  }

  @Override
  public void close() {
    server.stop(0);
  }

  /** The prompt's last user message, as text. */
  public static String lastUserText(JsonNode request) {
    JsonNode messages = request.get("messages");
    for (int i = messages.size() - 1; i >= 0; i--) {
      JsonNode m = messages.get(i);
      if ("user".equals(m.path("role").asText())) {
        JsonNode content = m.get("content");
        if (content.isTextual()) {
          return content.asText();
        }
        StringBuilder text = new StringBuilder();
        content.forEach(part -> text.append(part.path("text").asText()));
        return text.toString();
      }
    }
    return "";
  }

  private void handle(HttpExchange exchange) throws IOException {
    arrivals.add(System.nanoTime() / 1_000_000);
    JsonNode request = JSON.readTree(exchange.getRequestBody().readAllBytes());
    requests.add(request);
    requestHeaders.add(Map.copyOf(exchange.getRequestHeaders()));
    Reply reply = queue.poll();
    if (reply == null) {
      reply = Reply.text(split(answerer.apply(lastUserText(request))));
    }
    if (reply.status() != 200) {
      byte[] body = reply.body().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      reply.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
      exchange.sendResponseHeaders(reply.status(), body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
      return;
    }
    exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
    exchange.getResponseHeaders().add("Cache-Control", "no-cache");
    exchange.sendResponseHeaders(200, 0);
    OutputStream out = exchange.getResponseBody();
    try {
      if (api == Api.OPENAI) {
        openAi(out, request, reply);
      } else {
        anthropic(out, request, reply);
      }
      if ("break".equals(reply.end())) {
        exchange.close(); // no [DONE], no message_stop: the connection just ends
        return;
      }
      completed.incrementAndGet();
      out.close();
    } catch (IOException gone) {
      abandoned.incrementAndGet();
      exchange.close();
    }
  }

  /** The answer in pieces of a few words, as a model streams it. */
  static String[] split(String text) {
    List<String> pieces = new ArrayList<>();
    String[] words = text.split("(?<= )");
    StringBuilder piece = new StringBuilder();
    for (String w : words) {
      piece.append(w);
      if (piece.length() >= 12) {
        pieces.add(piece.toString());
        piece.setLength(0);
      }
    }
    if (!piece.isEmpty()) {
      pieces.add(piece.toString());
    }
    return pieces.toArray(String[]::new);
  }

  /** The wait before the first token: silent, or with keep-alives every 100 ms. */
  private void think(OutputStream out, Reply reply) throws IOException {
    if (!reply.pinging()) {
      pause(reply.firstDelay());
      return;
    }
    long until = System.nanoTime() + reply.firstDelay().toNanos();
    while (System.nanoTime() < until) {
      if (api == Api.OPENAI) {
        out.write(": keep-alive\n\n".getBytes(StandardCharsets.UTF_8));
        out.flush();
      } else {
        event(out, "ping", JSON.createObjectNode().put("type", "ping"));
      }
      pause(Duration.ofMillis(Math.min(100, Math.max(1, (until - System.nanoTime()) / 1_000_000))));
    }
  }

  private static void pause(Duration d) throws IOException {
    if (!d.isZero()) {
      try {
        Thread.sleep(d.toMillis()); // the provider's own pace, in the stub's thread
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException(e);
      }
    }
  }

  // ---- OpenAI chat completions ----

  private void openAi(OutputStream out, JsonNode request, Reply reply) throws IOException {
    String model = request.path("model").asText();
    boolean includeUsage = request.path("stream_options").path("include_usage").asBoolean(false);
    ObjectNode role = chunk(model);
    ((ObjectNode) ((ArrayNode) role.get("choices")).get(0).get("delta"))
        .put("role", "assistant")
        .put("content", "");
    data(out, role);
    think(out, reply);
    int output = 0;
    for (int i = 0; i < reply.chunks().size(); i++) {
      if (i > 0) {
        pause(reply.between());
      }
      ObjectNode c = chunk(model);
      ((ObjectNode) ((ArrayNode) c.get("choices")).get(0).get("delta"))
          .put("content", reply.chunks().get(i));
      data(out, c);
      output += tokens(reply.chunks().get(i));
    }
    if ("break".equals(reply.end())) {
      return;
    }
    ObjectNode stop = chunk(model);
    ((ObjectNode) ((ArrayNode) stop.get("choices")).get(0)).put("finish_reason", "stop");
    data(out, stop);
    if (includeUsage && reply.usage()) {
      ObjectNode usage = chunk(model);
      usage.set("choices", JSON.createArrayNode());
      usage
          .putObject("usage")
          .put("prompt_tokens", inputTokens)
          .put("completion_tokens", output)
          .put("total_tokens", inputTokens + output);
      data(out, usage);
    }
    write(out, "data: [DONE]\n\n");
  }

  private static ObjectNode chunk(String model) {
    ObjectNode c = JSON.createObjectNode();
    c.put("id", "chatcmpl-stub").put("object", "chat.completion.chunk").put("created", 1764633600);
    c.put("model", model).putNull("system_fingerprint");
    ObjectNode choice = c.putArray("choices").addObject();
    choice.put("index", 0).putObject("delta");
    choice.putNull("logprobs").putNull("finish_reason");
    return c;
  }

  private static void data(OutputStream out, JsonNode json) throws IOException {
    write(out, "data: " + JSON.writeValueAsString(json) + "\n\n");
  }

  // ---- Anthropic Messages ----

  private void anthropic(OutputStream out, JsonNode request, Reply reply) throws IOException {
    String model = request.path("model").asText();
    ObjectNode start = JSON.createObjectNode().put("type", "message_start");
    ObjectNode message = start.putObject("message");
    message.put("id", "msg_stub").put("type", "message").put("role", "assistant");
    message.putArray("content");
    message.put("model", model).putNull("stop_reason").putNull("stop_sequence");
    message.putObject("usage").put("input_tokens", inputTokens).put("output_tokens", 1);
    event(out, "message_start", start);
    ObjectNode blockStart =
        JSON.createObjectNode().put("type", "content_block_start").put("index", 0);
    blockStart.putObject("content_block").put("type", "text").put("text", "");
    event(out, "content_block_start", blockStart);
    event(out, "ping", JSON.createObjectNode().put("type", "ping"));
    think(out, reply);
    int output = 1;
    for (int i = 0; i < reply.chunks().size(); i++) {
      if (i > 0) {
        pause(reply.between());
      }
      ObjectNode delta = JSON.createObjectNode().put("type", "content_block_delta").put("index", 0);
      delta.putObject("delta").put("type", "text_delta").put("text", reply.chunks().get(i));
      event(out, "content_block_delta", delta);
      output += tokens(reply.chunks().get(i));
      if (i == 0) {
        event(out, "ping", JSON.createObjectNode().put("type", "ping"));
      }
    }
    if ("break".equals(reply.end())) {
      return;
    }
    if ("error".equals(reply.end())) {
      ObjectNode error = JSON.createObjectNode().put("type", "error");
      error.putObject("error").put("type", "overloaded_error").put("message", "Overloaded");
      event(out, "error", error);
      return;
    }
    event(
        out,
        "content_block_stop",
        JSON.createObjectNode().put("type", "content_block_stop").put("index", 0));
    ObjectNode messageDelta = JSON.createObjectNode().put("type", "message_delta");
    messageDelta.putObject("delta").put("stop_reason", "end_turn").putNull("stop_sequence");
    if (reply.usage()) {
      // cumulative: the whole answer's output tokens
      messageDelta.putObject("usage").put("output_tokens", output);
    }
    event(out, "message_delta", messageDelta);
    event(out, "message_stop", JSON.createObjectNode().put("type", "message_stop"));
  }

  private static void event(OutputStream out, String name, JsonNode json) throws IOException {
    write(out, "event: " + name + "\ndata: " + JSON.writeValueAsString(json) + "\n\n");
  }

  private static void write(OutputStream out, String text) throws IOException {
    out.write(text.getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  /** The stub's token count: one a word. */
  private static int tokens(String text) {
    String t = text.trim();
    return t.isEmpty() ? 0 : t.split("\\s+").length;
  }

  /** Anthropic's error body ({@code overloaded_error} with HTTP 529, for example). */
  public static String anthropicError(String type, String message) {
    ObjectNode e = JSON.createObjectNode().put("type", "error");
    e.putObject("error").put("type", type).put("message", message);
    return e.toString();
  }

  /** OpenAI's error body. */
  public static String openAiError(String message, String type, String code) {
    ObjectNode e = JSON.createObjectNode();
    e.putObject("error")
        .put("message", message)
        .put("type", type)
        .putNull("param")
        .put("code", code);
    return e.toString();
  }
}
