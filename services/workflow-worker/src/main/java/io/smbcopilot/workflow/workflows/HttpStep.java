package io.smbcopilot.workflow.workflows;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.http.client.SuccessfulHttpResponse;
import io.smbcopilot.security.OutboundAddresses;
import io.smbcopilot.workflow.copilot.ProviderHttpClient;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The {@code http} step: one outbound call with the rules of partner webhooks. https only, no
 * credentials in the URL, a host whose every address is public, checked when the call is made and
 * connected to at exactly the checked address (no DNS rebinding), redirects not followed; operators
 * allow in-cluster or test hosts by name ({@code copilot.workflows.http.allowed-hosts}, over http
 * too). The call carries {@code Idempotency-Key}: the step run's key, the same on every attempt.
 */
@ApplicationScoped
public class HttpStep {
  static final Set<String> METHODS = Set.of("GET", "POST", "PUT", "PATCH", "DELETE");

  /** Headers a step may not set: the connection's own, and the idempotency key (ours). */
  static final Set<String> RESERVED =
      Set.of(
          "host",
          "content-length",
          "connection",
          "transfer-encoding",
          "upgrade",
          "te",
          "trailer",
          "keep-alive",
          "proxy-authorization",
          "idempotency-key");

  /** Headers whose values the run's history does not show. */
  static final Set<String> SECRET =
      Set.of("authorization", "cookie", "x-api-key", "api-key", "x-auth-token");

  private final Set<String> allowed;
  private final long maxResponse;
  private final ObjectMapper json;
  private final Vertx vertx;
  private final io.vertx.core.http.HttpClient client;

  public HttpStep(RunEngine.Config config, ObjectMapper json, Vertx vertx) {
    this.allowed =
        config.http().allowedHosts().orElse(List.of()).stream()
            .map(h -> h.trim().toLowerCase(Locale.ROOT))
            .filter(h -> !h.isEmpty())
            .collect(Collectors.toSet());
    this.maxResponse = config.http().maxResponseBytes();
    this.json = json;
    this.vertx = vertx;
    this.client = ProviderHttpClient.vertxClient(vertx);
  }

  /** The call a step's inputs describe, checked (but not its host's addresses: at the call). */
  record Call(String method, URI url, Map<String, String> headers, String body) {}

  Call call(Map<String, Object> inputs, ObjectMapper json) {
    String method =
        String.valueOf(inputs.getOrDefault("method", "GET")).toUpperCase(Locale.ROOT).trim();
    if (!METHODS.contains(method)) {
      throw StepError.input("method " + method + " is not one of " + METHODS);
    }
    Object raw = inputs.get("url");
    URI url;
    try {
      url = URI.create(String.valueOf(raw).trim());
    } catch (IllegalArgumentException e) {
      throw StepError.input("url " + raw + " is not a URL");
    }
    String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
    if (url.getHost() == null || !scheme.equals("https") && !scheme.equals("http")) {
      throw StepError.input("url " + raw + " must be an https URL with a host");
    }
    if (scheme.equals("http") && !allowed.contains(url.getHost().toLowerCase(Locale.ROOT))) {
      throw StepError.input(
          "url " + raw + " must be https (an operator allows http to named hosts)");
    }
    if (url.getUserInfo() != null) {
      throw StepError.input("url must not hold credentials: send them in a header");
    }
    Map<String, String> headers = new LinkedHashMap<>();
    if (inputs.get("headers") instanceof Map<?, ?> given) {
      for (Map.Entry<?, ?> h : given.entrySet()) {
        String name = String.valueOf(h.getKey()).trim();
        if (!name.matches("[A-Za-z0-9!#$%&'*+.^_`|~-]+")) {
          throw StepError.input("header " + name + " is not a header name");
        }
        if (RESERVED.contains(name.toLowerCase(Locale.ROOT))) {
          throw StepError.input("header " + name + " cannot be set by a step");
        }
        String value = String.valueOf(h.getValue());
        if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
          throw StepError.input("header " + name + " holds a line break");
        }
        headers.put(name, value);
      }
    } else if (inputs.get("headers") != null) {
      throw StepError.input("headers must be an object of names and values");
    }
    String body = null;
    Object b = inputs.get("body");
    if (b != null && b != Values.NULL) {
      if (b instanceof String text) {
        body = text;
        headers.putIfAbsent("Content-Type", "text/plain; charset=utf-8");
      } else {
        body = Values.toJson(json, b).toString();
        headers.putIfAbsent("Content-Type", "application/json");
      }
      if (method.equals("GET") || method.equals("DELETE")) {
        throw StepError.input("a " + method + " call takes no body");
      }
    }
    return new Call(method, url, headers, body);
  }

  /** The inputs as the run's history keeps them: secret headers' values hidden. */
  static Map<String, Object> shown(Map<String, Object> inputs) {
    if (!(inputs.get("headers") instanceof Map<?, ?> headers)) {
      return inputs;
    }
    Map<String, Object> masked = new LinkedHashMap<>();
    headers.forEach(
        (k, v) ->
            masked.put(
                String.valueOf(k),
                SECRET.contains(String.valueOf(k).toLowerCase(Locale.ROOT)) ? "***" : v));
    Map<String, Object> copy = new LinkedHashMap<>(inputs);
    copy.put("headers", masked);
    return copy;
  }

  /**
   * Makes the call on this (worker) thread; its output is the status, the content type and the body
   * (JSON when the answer is JSON, else text). A refusal is a {@link StepError} {@code
   * http.<status>}: tried again for 408, 425, 429 and 5xx (after the answer's Retry-After), not for
   * the other 4xx.
   */
  Map<String, Object> execute(Call call, String idempotencyKey, Duration timeout) {
    Map<String, List<String>> headers = new LinkedHashMap<>();
    call.headers().forEach((k, v) -> headers.put(k, List.of(v)));
    headers.put("Idempotency-Key", List.of(idempotencyKey));
    headers.putIfAbsent("User-Agent", List.of("SMB-Copilot-Workflows/1"));
    ProviderHttpClient http =
        new ProviderHttpClient.Builder(vertx, client, this::address)
            .connectTimeout(Duration.ofSeconds(10))
            .readTimeout(timeout)
            .maxBody(maxResponse)
            .build();
    SuccessfulHttpResponse response;
    try {
      response = http.call(call.method(), call.url().toString(), headers, call.body());
    } catch (ProviderHttpClient.Refusal r) {
      int status = r.statusCode();
      boolean again = status == 408 || status == 425 || status == 429 || status >= 500;
      throw new StepError(
          "http." + status,
          "the call answered " + status + ": " + abbreviate(r.getMessage()),
          again,
          r.retryAfter().orElse(null));
    } catch (RuntimeException e) {
      throw failure(e);
    }
    Map<String, Object> output = new LinkedHashMap<>();
    output.put("status", (long) response.statusCode());
    String type = header(response, "content-type");
    output.put("contentType", type == null ? Values.NULL : type);
    String text = response.body() == null ? "" : response.body();
    Object body = text;
    if (type != null && type.toLowerCase(Locale.ROOT).contains("json") && !text.isBlank()) {
      try {
        body = Values.fromJson(json.readTree(text));
      } catch (IOException e) {
        body = text; // said JSON, is not: the text
      }
    }
    output.put("body", body);
    return output;
  }

  private static String header(SuccessfulHttpResponse response, String name) {
    return response.headers().entrySet().stream()
        .filter(e -> e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty())
        .map(e -> e.getValue().get(0))
        .findFirst()
        .orElse(null);
  }

  private InetAddress address(String host) throws IOException {
    try {
      return OutboundAddresses.pinned(host, allowed);
    } catch (OutboundAddresses.Refused e) {
      throw new Forbidden("the host " + host + " cannot be called: " + e.getMessage());
    }
  }

  private static final class Forbidden extends IOException {
    Forbidden(String message) {
      super(message);
    }
  }

  private static StepError failure(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof Forbidden f) {
        return new StepError("forbidden-address", f.getMessage(), false, null);
      }
      if (t instanceof ProviderHttpClient.TooLong long_) {
        return new StepError("http.too-long", long_.getMessage(), false, null);
      }
      if (t instanceof dev.langchain4j.exception.TimeoutException
          || t instanceof java.util.concurrent.TimeoutException
          || t instanceof io.netty.handler.timeout.TimeoutException) {
        return new StepError(StepError.TIMEOUT, "the call did not answer in time", true, null);
      }
    }
    return new StepError(
        StepError.CONNECTION,
        "the call could not be made: " + abbreviate(e.toString()),
        true,
        null);
  }

  private static String abbreviate(String text) {
    if (text == null) {
      return "";
    }
    return text.length() > 500 ? text.substring(0, 500) + "..." : text;
  }
}
