package io.smbcopilot.problem;

import java.util.List;

/** Thrown by services to answer with a specific problem; mapped by {@link ProblemMappers}. */
public class ProblemException extends RuntimeException {
  private final ProblemType type;
  private final List<Problem.FieldError> errors;

  public ProblemException(ProblemType type, String detail) {
    this(type, detail, List.of());
  }

  public ProblemException(ProblemType type, String detail, List<Problem.FieldError> errors) {
    super(detail);
    this.type = type;
    this.errors = List.copyOf(errors);
  }

  public ProblemType type() {
    return type;
  }

  public List<Problem.FieldError> errors() {
    return errors;
  }

  /** A validation problem about one field: detail {@code "<field>: <message>"}. */
  public static ProblemException invalid(String field, String message) {
    return new ProblemException(
        ProblemType.VALIDATION,
        field + ": " + message,
        List.of(new Problem.FieldError(field, message)));
  }

  public static ProblemException notFound(String what) {
    return new ProblemException(ProblemType.NOT_FOUND, what + " was not found");
  }
}
