package io.smbcopilot.security;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.quarkus.security.identity.SecurityIdentity;
import io.smbcopilot.problem.Problem;
import io.smbcopilot.problem.ProblemMappers;
import io.smbcopilot.problem.ProblemType;
import io.smbcopilot.problem.RequestId;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Security failures as RFC 9457 problems. A missing or rejected internal token fails the request in
 * the HTTP layer, before any resource (so also for an unknown path): a route failure handler
 * answers 401. A verified caller that lacks a role or a permission fails in the resource layer:
 * 403, or 401 for an anonymous or service token on an endpoint that needs a tenant's user or API
 * key.
 */
@ApplicationScoped
public class AuthenticationProblems {
  private final ObjectMapper json;
  private final SecurityIdentity identity;

  public AuthenticationProblems(ObjectMapper json, SecurityIdentity identity) {
    this.json = json;
    this.identity = identity;
  }

  void register(@Observes Router router) {
    router.route().order(Integer.MIN_VALUE).failureHandler(this::unauthenticated);
  }

  private void unauthenticated(RoutingContext context) {
    if (!(context.failure() instanceof AuthenticationFailedException failure)
        || context.response().ended()) {
      context.next();
      return;
    }
    String requestId = RequestId.keepOrGenerate(context.request().getHeader(RequestId.HEADER));
    String detail =
        failure.getMessage() == null ? "internal token missing or rejected" : failure.getMessage();
    Problem problem =
        new Problem(
            ProblemType.UNAUTHORIZED.uri(),
            ProblemType.UNAUTHORIZED.title(),
            401,
            detail,
            URI.create(context.normalizedPath()),
            requestId,
            null);
    try {
      context
          .response()
          .setStatusCode(401)
          .putHeader("Content-Type", Problem.MEDIA_TYPE)
          .putHeader("WWW-Authenticate", "Bearer")
          .putHeader(RequestId.HEADER, requestId)
          .end(json.writeValueAsString(problem));
    } catch (Exception e) {
      context.response().setStatusCode(401).end();
    }
  }

  @ServerExceptionMapper
  public Response forbidden(ForbiddenException e, ContainerRequestContext request) {
    if (identity.hasRole(Roles.of(PrincipalType.ANONYMOUS)) || identity.hasRole(Roles.SERVICE)) {
      // what a service may call is allowed to it; anything else needs a tenant's user or key
      return ProblemMappers.response(
          ProblemType.UNAUTHORIZED, "this call needs a signed-in user or an API key", request);
    }
    if (!identity.hasRole(Roles.TENANT)) {
      return ProblemMappers.response(ProblemType.FORBIDDEN, "this call needs a tenant", request);
    }
    return ProblemMappers.response(
        ProblemType.FORBIDDEN, "your role or API key does not allow this", request);
  }

  @ServerExceptionMapper
  public Response unauthorized(UnauthorizedException e, ContainerRequestContext request) {
    return ProblemMappers.response(
        ProblemType.UNAUTHORIZED, "internal token missing or rejected", request);
  }
}
