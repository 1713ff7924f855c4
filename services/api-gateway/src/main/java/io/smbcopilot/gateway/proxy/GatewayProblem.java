package io.smbcopilot.gateway.proxy;

import io.smbcopilot.problem.ProblemType;
import java.util.Map;

/** A request the gateway answers itself, with a problem and maybe extra headers. */
public class GatewayProblem extends RuntimeException {
  private final ProblemType type;
  private final Map<String, String> headers;

  public GatewayProblem(ProblemType type, String detail) {
    this(type, detail, Map.of());
  }

  public GatewayProblem(ProblemType type, String detail, Map<String, String> headers) {
    super(detail, null, false, false);
    this.type = type;
    this.headers = Map.copyOf(headers);
  }

  public ProblemType type() {
    return type;
  }

  public Map<String, String> headers() {
    return headers;
  }
}
