package io.smbcopilot.problem;

import java.net.URI;

/** The stable problem types of the platform's API. */
public enum ProblemType {
  BAD_REQUEST(400, "bad-request", "Bad request"),
  VALIDATION(400, "validation", "The request is not valid"),
  MALFORMED_BODY(400, "malformed-body", "The request body cannot be read"),
  UNAUTHORIZED(401, "unauthorized", "Authentication is required"),
  FORBIDDEN(403, "forbidden", "Not allowed"),
  NOT_FOUND(404, "not-found", "Not found"),
  METHOD_NOT_ALLOWED(405, "method-not-allowed", "Method not allowed"),
  NOT_ACCEPTABLE(406, "not-acceptable", "Not acceptable"),
  CONFLICT(409, "conflict", "Conflict"),
  GONE(410, "gone", "Gone"),
  PAYLOAD_TOO_LARGE(413, "payload-too-large", "Payload too large"),
  URI_TOO_LONG(414, "uri-too-long", "URI too long"),
  UNSUPPORTED_MEDIA_TYPE(415, "unsupported-media-type", "Unsupported media type"),
  UNPROCESSABLE(422, "unprocessable", "The request cannot be processed"),
  RATE_LIMITED(429, "rate-limited", "Too many requests"),
  QUOTA_EXCEEDED(429, "quota-exceeded", "Quota exceeded"),
  INTERNAL(500, "internal", "Internal error"),
  BAD_GATEWAY(502, "bad-gateway", "Bad gateway"),
  SERVICE_UNAVAILABLE(503, "service-unavailable", "Service unavailable"),
  GATEWAY_TIMEOUT(504, "gateway-timeout", "Gateway timeout");

  /** Where the types are documented (docs/api/problems.md mirrors this list). */
  public static final String BASE = "https://smbcopilot.io/problems/";

  private final int status;
  private final String slug;
  private final String title;

  ProblemType(int status, String slug, String title) {
    this.status = status;
    this.slug = slug;
    this.title = title;
  }

  public int status() {
    return status;
  }

  public String title() {
    return title;
  }

  public URI uri() {
    return URI.create(BASE + slug);
  }

  /** The generic type for an HTTP status without a more specific one. */
  public static ProblemType forStatus(int status) {
    for (ProblemType type : values()) {
      if (type.status == status && type != VALIDATION && type != MALFORMED_BODY) {
        return type;
      }
    }
    return status >= 500 ? INTERNAL : BAD_REQUEST;
  }
}
