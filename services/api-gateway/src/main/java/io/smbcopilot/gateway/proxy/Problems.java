package io.smbcopilot.gateway.proxy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.smbcopilot.problem.Problem;
import io.smbcopilot.problem.ProblemType;
import io.smbcopilot.problem.RequestId;
import io.vertx.core.http.HttpServerResponse;
import java.net.URI;
import java.util.Map;

/** Writes the gateway's own RFC 9457 answers. */
public final class Problems {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Problems() {}

  public static void send(
      HttpServerResponse response,
      ProblemType type,
      String detail,
      String path,
      String requestId,
      Map<String, String> headers) {
    if (response.headWritten() || response.ended() || response.closed()) {
      if (!response.ended() && !response.closed()) {
        response.reset();
      }
      return;
    }
    String body;
    try {
      body =
          JSON.writeValueAsString(
              new Problem(
                  type.uri(), type.title(), type.status(), detail, safeUri(path), requestId, null));
    } catch (Exception e) {
      body = "{\"status\":" + type.status() + "}";
    }
    response.setStatusCode(type.status());
    headers.forEach(response::putHeader);
    response
        .putHeader("Content-Type", Problem.MEDIA_TYPE)
        .putHeader(RequestId.HEADER, requestId)
        .end(body);
  }

  private static URI safeUri(String path) {
    try {
      return URI.create(path);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
