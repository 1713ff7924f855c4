package io.smbcopilot.security;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.smbcopilot.problem.ProblemMappers;
import io.smbcopilot.problem.ProblemType;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Method;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Every request but {@code /q/*} must carry a valid internal token ({@code Authorization: Bearer},
 * minted by the gateway): otherwise 401. Then the resource method's rules apply: by default a user
 * or API key of a tenant; {@link AllowAnonymous}, {@link ServiceOnly} and {@link
 * RequiresPermission} change that.
 */
public class InternalAuthFilter {
  private static final Logger LOG = Logger.getLogger(InternalAuthFilter.class);
  static final String PROPERTY = "io.smbcopilot.internalToken";
  private static final String BEARER = "Bearer ";

  private final InternalTokenVerifier verifier;
  private final TenantContext context;
  private final boolean enabled;

  public InternalAuthFilter(
      InternalTokenVerifier verifier, TenantContext context, SecurityConfig config) {
    this.verifier = verifier;
    this.context = context;
    this.enabled = config.internalAuth();
  }

  @ServerRequestFilter(preMatching = true, priority = Priorities.USER + 10)
  public Uni<Response> authenticate(ContainerRequestContext request) {
    if (!enabled || request.getUriInfo().getPath().startsWith("/q/")) {
      return Uni.createFrom().nullItem();
    }
    String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
    if (header == null || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      return Uni.createFrom()
          .item(
              ProblemMappers.response(
                  ProblemType.UNAUTHORIZED,
                  "services accept only calls through the gateway (internal token missing)",
                  request));
    }
    String token = header.substring(BEARER.length()).trim();
    if (verifier.jwt().needsKeys(token)) {
      return Uni.createFrom()
          .item(
              () -> {
                verifier.jwt().keys().refresh();
                return check(request, token);
              })
          .runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }
    return Uni.createFrom().item(check(request, token));
  }

  private Response check(ContainerRequestContext request, String token) {
    try {
      request.setProperty(PROPERTY, verifier.verify(token));
      return null;
    } catch (TokenRejectedException e) {
      LOG.debugf("internal token rejected: %s", e.getMessage());
      return ProblemMappers.response(
          ProblemType.UNAUTHORIZED, "internal token rejected: " + e.getMessage(), request);
    }
  }

  @ServerRequestFilter(priority = Priorities.AUTHORIZATION)
  public Response authorize(ContainerRequestContext request, ResourceInfo resource) {
    if (!enabled || request.getUriInfo().getPath().startsWith("/q/")) {
      return null;
    }
    InternalToken token = (InternalToken) request.getProperty(PROPERTY);
    if (token == null) {
      return ProblemMappers.response(ProblemType.UNAUTHORIZED, "internal token missing", request);
    }
    context.set(token);
    Method method = resource.getResourceMethod();
    Class<?> type = resource.getResourceClass();
    PrincipalType principal = token.principalType();
    if (annotated(method, type, ServiceOnly.class)) {
      return principal == PrincipalType.SERVICE
          ? null
          : ProblemMappers.response(ProblemType.FORBIDDEN, "internal endpoint", request);
    }
    if (principal == PrincipalType.ANONYMOUS || principal == PrincipalType.SERVICE) {
      return annotated(method, type, AllowAnonymous.class)
          ? null
          : ProblemMappers.response(
              ProblemType.UNAUTHORIZED, "this call needs a signed-in user or an API key", request);
    }
    if (token.tenantId() == null) {
      return ProblemMappers.response(ProblemType.FORBIDDEN, "no tenant", request);
    }
    RequiresPermission required = permission(method, type);
    if (required != null && !token.has(required.value())) {
      return ProblemMappers.response(
          ProblemType.FORBIDDEN, "this needs the permission " + required.value().value(), request);
    }
    return null;
  }

  private static boolean annotated(
      Method method, Class<?> type, Class<? extends java.lang.annotation.Annotation> annotation) {
    return (method != null && method.isAnnotationPresent(annotation))
        || (type != null && type.isAnnotationPresent(annotation));
  }

  private static RequiresPermission permission(Method method, Class<?> type) {
    for (AnnotatedElement element : new AnnotatedElement[] {method, type}) {
      if (element != null && element.isAnnotationPresent(RequiresPermission.class)) {
        return element.getAnnotation(RequiresPermission.class);
      }
    }
    return null;
  }
}
