package io.smbcopilot.gateway.proxy;

import io.smbcopilot.problem.RequestId;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.net.URI;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The headers that cross the gateway: the client's go upstream without hop-by-hop headers and
 * without the client's credentials (the internal token replaces them), with {@code X-Forwarded-*};
 * the upstream's come back without hop-by-hop headers and with its own address removed from {@code
 * Location}.
 */
final class ProxyHeaders {
  static final Set<String> HOP_BY_HOP =
      Set.of(
          "connection",
          "keep-alive",
          "proxy-authenticate",
          "proxy-authorization",
          "te",
          "trailer",
          "transfer-encoding",
          "upgrade",
          "host");
  static final Set<String> CLIENT_CREDENTIALS =
      Set.of("authorization", "x-api-key", "cookie", "x-request-id", "forwarded");

  private ProxyHeaders() {}

  /** The headers of the upstream request. */
  static MultiMap upstream(
      HttpServerRequest request, String internalToken, String requestId, String clientIp) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    for (Map.Entry<String, String> header : request.headers()) {
      String name = header.getKey().toLowerCase(Locale.ROOT);
      if (!HOP_BY_HOP.contains(name) && !CLIENT_CREDENTIALS.contains(name)) {
        headers.add(header.getKey(), header.getValue());
      }
    }
    headers.set("Authorization", "Bearer " + internalToken);
    headers.set(RequestId.HEADER, requestId);
    if (clientIp != null) {
      headers.set("X-Forwarded-For", clientIp);
    }
    headers.set("X-Forwarded-Proto", request.scheme() == null ? "http" : request.scheme());
    if (request.authority() != null) {
      headers.set("X-Forwarded-Host", request.authority().toString());
    }
    return headers;
  }

  /** Copies the upstream's answer headers to the client's response. */
  static void relay(
      HttpClientResponse upstream,
      HttpServerResponse response,
      URI origin,
      Map<String, String> extra) {
    String internalBase = origin.getScheme() + "://" + origin.getAuthority();
    for (Map.Entry<String, String> header : upstream.headers()) {
      String name = header.getKey().toLowerCase(Locale.ROOT);
      if (HOP_BY_HOP.contains(name) || name.equals("x-request-id")) {
        continue;
      }
      String value = header.getValue();
      if (name.equals("location") && value.startsWith(internalBase)) {
        // Never reveal a service's own address: the client follows the public path.
        value = value.substring(internalBase.length());
      }
      response.headers().add(header.getKey(), value);
    }
    extra.forEach(response::putHeader);
  }
}
