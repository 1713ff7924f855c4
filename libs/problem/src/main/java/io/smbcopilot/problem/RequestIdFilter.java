package io.smbcopilot.problem;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import org.jboss.logging.MDC;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/** Gives every REST request a request id: in the MDC (so in every log line) and echoed back. */
public class RequestIdFilter {
  static final String PROPERTY = "io.smbcopilot.requestId";

  @ServerRequestFilter(preMatching = true)
  public void assign(ContainerRequestContext request) {
    String id = RequestId.keepOrGenerate(request.getHeaderString(RequestId.HEADER));
    request.setProperty(PROPERTY, id);
    MDC.put(RequestId.MDC_KEY, id);
  }

  @ServerResponseFilter
  public void echo(ContainerRequestContext request, ContainerResponseContext response) {
    Object id = request.getProperty(PROPERTY);
    if (id != null) {
      response.getHeaders().putSingle(RequestId.HEADER, id.toString());
    }
    MDC.remove(RequestId.MDC_KEY);
  }

  /** The id of the request being handled, generated when the filter has not run. */
  static String of(ContainerRequestContext request) {
    Object id = request == null ? null : request.getProperty(PROPERTY);
    return id != null ? id.toString() : RequestId.keepOrGenerate(null);
  }
}
