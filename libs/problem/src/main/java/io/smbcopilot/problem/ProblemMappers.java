package io.smbcopilot.problem;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.quarkus.logging.Log;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.Path;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.net.URI;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * The one place where exceptions become RFC 9457 responses, for every service. Nothing of an
 * exception's internals (class names, stack traces, SQL) reaches a client.
 */
public class ProblemMappers {

  @ServerExceptionMapper
  public Response problem(ProblemException e, ContainerRequestContext request, UriInfo uri) {
    return respond(e.type(), e.getMessage(), e.errors(), request, uri);
  }

  @ServerExceptionMapper
  public Response validation(
      ConstraintViolationException e, ContainerRequestContext request, UriInfo uri) {
    List<Problem.FieldError> errors = new ArrayList<>();
    for (ConstraintViolation<?> v : e.getConstraintViolations()) {
      errors.add(new Problem.FieldError(fieldName(v.getPropertyPath()), v.getMessage()));
    }
    errors.sort(Comparator.comparing(Problem.FieldError::field));
    String detail =
        errors.stream().map(Problem.FieldError::field).distinct().collect(Collectors.joining(", "));
    return respond(ProblemType.VALIDATION, "Invalid fields: " + detail, errors, request, uri);
  }

  @ServerExceptionMapper(priority = 1)
  public Response unknownField(
      UnrecognizedPropertyException e, ContainerRequestContext request, UriInfo uri) {
    return respond(
        ProblemType.VALIDATION,
        "Unknown field '" + e.getPropertyName() + "'",
        List.of(new Problem.FieldError(jsonPath(e), "unknown field")),
        request,
        uri);
  }

  @ServerExceptionMapper(priority = 1)
  public Response invalidFormat(
      InvalidFormatException e, ContainerRequestContext request, UriInfo uri) {
    return respond(
        ProblemType.VALIDATION,
        "A field has a value of the wrong type",
        List.of(
            new Problem.FieldError(
                jsonPath(e),
                NoNulCharacters.hasNul(e.getValue())
                    ? NoNulCharacters.MESSAGE
                    : "expected " + e.getTargetType().getSimpleName().toLowerCase())),
        request,
        uri);
  }

  @ServerExceptionMapper(priority = 1)
  public Response mismatchedInput(
      MismatchedInputException e, ContainerRequestContext request, UriInfo uri) {
    String path = jsonPath(e);
    List<Problem.FieldError> errors =
        path.equals("body") ? List.of() : List.of(new Problem.FieldError(path, "wrong type"));
    return respond(
        ProblemType.MALFORMED_BODY,
        "The JSON body does not fit the expected shape",
        errors,
        request,
        uri);
  }

  @ServerExceptionMapper(priority = 1)
  public Response malformedJson(
      JsonProcessingException e, ContainerRequestContext request, UriInfo uri) {
    return respond(
        ProblemType.MALFORMED_BODY, "The request body is not valid JSON", List.of(), request, uri);
  }

  @ServerExceptionMapper
  public Response web(WebApplicationException e, ContainerRequestContext request, UriInfo uri) {
    int status = e.getResponse().getStatus();
    if (status == 400 && causedByJson(e)) {
      // Quarkus REST wraps a body it cannot parse in a plain 400
      return malformedJson(null, request, uri);
    }
    if (status == 404
        && e.getCause() != null
        && !(e.getCause() instanceof WebApplicationException)) {
      // a path or query parameter that could not be converted (JAX-RS makes it a 404 with the
      // converter's exception as its cause): the request is wrong, not the address
      return respond(
          ProblemType.VALIDATION,
          "A path or query parameter has a value of the wrong type ("
              + e.getCause().getClass().getSimpleName()
              + ")",
          List.of(),
          request,
          uri);
    }
    ProblemType type = ProblemType.forStatus(status);
    String detail =
        switch (status) {
          case 404 -> "No resource at " + uri.getPath();
          case 405 -> request.getMethod() + " is not allowed on " + uri.getPath();
          case 415 -> "Content-Type " + request.getMediaType() + " is not accepted here";
          case 406 -> "None of the accepted media types can be produced";
          default -> type.title();
        };
    Response response = respond(type, detail, List.of(), request, uri, status);
    if (status == 405 && e.getResponse().getHeaderString("Allow") != null) {
      return Response.fromResponse(response)
          .header("Allow", e.getResponse().getHeaderString("Allow"))
          .build();
    }
    return response;
  }

  @ServerExceptionMapper
  public Response unexpected(Throwable e, ContainerRequestContext request, UriInfo uri) {
    String requestId = RequestIdFilter.of(request);
    if (unavailable(e)) {
      // the database (or another backing service) is down: the client may try again later
      Log.warnf(
          "a backing service cannot be reached on %s %s (request %s): %s",
          request.getMethod(), uri.getPath(), requestId, e.toString());
      return respond(
          ProblemType.SERVICE_UNAVAILABLE,
          "A service this request needs cannot be reached; try again",
          List.of(),
          request,
          uri);
    }
    Log.errorf(
        e, "unhandled error on %s %s (request %s)", request.getMethod(), uri.getPath(), requestId);
    return respond(
        ProblemType.INTERNAL,
        "An unexpected error occurred; quote request id " + requestId + " to support",
        List.of(),
        request,
        uri);
  }

  /**
   * Whether the failure comes from a backing service that is away (the database, another service):
   * it could not be reached, it closed the connection before it answered (killed, restarting), or
   * the database said it is shutting down or not yet accepting connections. Such a request may
   * succeed when tried again: a 503.
   */
  public static boolean unavailable(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof java.net.ConnectException
          || t instanceof io.vertx.core.http.HttpClosedException
          || t instanceof io.vertx.sqlclient.ClosedConnectionException
          || (t instanceof io.vertx.sqlclient.DatabaseException db && away(db.getSqlState()))) {
        return true;
      }
    }
    return false;
  }

  /**
   * SQLSTATEs of a database that is away: class 08 (connection exception) and 57P (shutting down,
   * crashed, not accepting connections yet).
   */
  private static boolean away(String sqlState) {
    return sqlState != null && (sqlState.startsWith("08") || sqlState.startsWith("57P"));
  }

  /** Whether the failure or any of its causes is of the type. */
  public static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (type.isInstance(t)) {
        return true;
      }
    }
    return false;
  }

  private static boolean causedByJson(Throwable e) {
    for (Throwable t = e.getCause(); t != null && t != t.getCause(); t = t.getCause()) {
      if (t instanceof JsonProcessingException) {
        return true;
      }
    }
    return false;
  }

  /** A problem response for a filter that stops a request before it reaches a resource. */
  public static Response response(
      ProblemType type, String detail, ContainerRequestContext request) {
    return respond(type, detail, List.of(), request, request.getUriInfo());
  }

  private static Response respond(
      ProblemType type,
      String detail,
      List<Problem.FieldError> errors,
      ContainerRequestContext request,
      UriInfo uri) {
    return respond(type, detail, errors, request, uri, type.status());
  }

  private static Response respond(
      ProblemType type,
      String detail,
      List<Problem.FieldError> errors,
      ContainerRequestContext request,
      UriInfo uri,
      int status) {
    String requestId = RequestIdFilter.of(request);
    Problem problem =
        new Problem(
            type.uri(),
            type.title(),
            status,
            detail,
            URI.create(uri.getPath()),
            requestId,
            errors.isEmpty() ? null : errors);
    return Response.status(status)
        .type(Problem.MEDIA_TYPE)
        .header(RequestId.HEADER, requestId)
        .entity(problem)
        .build();
  }

  /**
   * A violation's path as the client knows it: a body's fields by their JSON names ({@code email},
   * {@code address.city}), a query or path parameter by its own name ({@code limit}), a body that
   * is invalid as a whole as {@code body}.
   */
  static String fieldName(Path path) {
    List<Path.Node> nodes = new ArrayList<>();
    path.forEach(nodes::add);
    List<String> names = new ArrayList<>();
    for (int i = 0; i < nodes.size(); i++) {
      Path.Node node = nodes.get(i);
      switch (node.getKind()) {
        case METHOD, CONSTRUCTOR, RETURN_VALUE, CROSS_PARAMETER -> {}
        case PARAMETER -> {
          if (i == nodes.size() - 1) {
            names.add(node.getName().matches("arg[0-9]+") ? "body" : node.getName());
          }
        }
        default ->
            names.add(
                node.getName() + (node.getIndex() != null ? "[" + node.getIndex() + "]" : ""));
      }
    }
    return names.isEmpty() ? "body" : String.join(".", names);
  }

  private static String jsonPath(com.fasterxml.jackson.databind.JsonMappingException e) {
    String path =
        e.getPath().stream()
            .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
            .collect(Collectors.joining("."))
            .replace(".[", "[");
    return path.isEmpty() ? "body" : path;
  }
}
