package io.smbcopilot.workflow.client;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/**
 * The gateway's tokens for acting for a user ({@code /internal/v1/on-behalf-tokens}), asked with
 * the worker's own service account token. A Quarkus REST client ({@code
 * quarkus.rest-client.api-gateway.url}); called on a worker thread (a step's work).
 */
@RegisterRestClient(configKey = "api-gateway")
@Path("/internal/v1/on-behalf-tokens")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public interface GatewayTokensApi {
  record Ask(String tenantId, String userId) {}

  record OnBehalf(String token, long expiresIn, List<String> permissions, String plan) {}

  @POST
  OnBehalf token(@HeaderParam("Authorization") String serviceToken, Ask ask);
}
