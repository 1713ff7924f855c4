package io.smbcopilot.gateway.client;

import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.eclipse.microprofile.rest.client.annotation.RegisterProvider;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;
import org.jboss.resteasy.reactive.ClientWebApplicationException;

/**
 * auth-service's internal API, as the gateway calls it (a Quarkus REST client, {@code
 * quarkus.rest-client.auth-service.url}): who a user is, whether an API key is valid. Every call
 * carries a service token of the gateway ({@link ServiceTokenFilter}); timeout, retries of an
 * unreachable service and a circuit breaker are declared here, for each method (each has a breaker
 * of its own). A 401 or 404 answer is not retried and does not count for the breaker: it is the
 * answer.
 */
@RegisterRestClient(configKey = "auth-service")
@Timeout(value = 5, unit = ChronoUnit.SECONDS)
@Retry(maxRetries = 2, delay = 50, jitter = 25, abortOn = ClientWebApplicationException.class)
@CircuitBreaker(
    requestVolumeThreshold = 10,
    failureRatio = 0.8,
    delay = 5,
    delayUnit = ChronoUnit.SECONDS,
    skipOn = ClientWebApplicationException.class)
@RegisterProvider(ServiceTokenFilter.class)
@Path("/internal/v1")
@Produces(MediaType.APPLICATION_JSON)
public interface AuthServiceApi {

  /** A user's membership: tenant, plan, roles and permissions. */
  record UserPrincipal(
      String userId, String tenantId, String plan, List<String> roles, List<String> permissions) {}

  /** The question about an API key. */
  record KeyCheck(String key) {}

  /** A valid API key's tenant, plan and scopes. */
  record KeyPrincipal(String keyId, String tenantId, String plan, List<String> scopes) {}

  @GET
  @Path("/principals/users/{userId}")
  Uni<UserPrincipal> user(@PathParam("userId") String userId);

  @POST
  @Path("/api-keys/verify")
  @Consumes(MediaType.APPLICATION_JSON)
  Uni<KeyPrincipal> verify(KeyCheck check);
}
