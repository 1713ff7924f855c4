package io.smbcopilot.problem;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.net.URI;
import java.util.List;

/**
 * An RFC 9457 problem detail, as every service answers an error ({@code application/problem+json}).
 *
 * @param type stable URI of the kind of problem (see {@link ProblemType})
 * @param title short, human-readable summary of the kind
 * @param status HTTP status code
 * @param detail explanation of this occurrence
 * @param instance the request path
 * @param requestId the request id (also in the X-Request-Id header)
 * @param errors field errors, for validation problems
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Problem(
    URI type,
    String title,
    int status,
    String detail,
    URI instance,
    String requestId,
    List<FieldError> errors) {

  public static final String MEDIA_TYPE = "application/problem+json";

  /**
   * One invalid input.
   *
   * @param field the path of the field (for example {@code body.email} or {@code query.limit})
   * @param message what is wrong with it
   */
  public record FieldError(String field, String message) {}
}
