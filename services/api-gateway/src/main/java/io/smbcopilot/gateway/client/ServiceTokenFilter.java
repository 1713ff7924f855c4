package io.smbcopilot.gateway.client;

import io.smbcopilot.gateway.auth.SigningKeys;
import io.smbcopilot.security.InternalToken;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.client.ClientRequestContext;
import jakarta.ws.rs.client.ClientRequestFilter;

/** Signs each call of the gateway's REST clients with a service token of this replica. */
@ApplicationScoped
public class ServiceTokenFilter implements ClientRequestFilter {
  private final SigningKeys keys;

  public ServiceTokenFilter(SigningKeys keys) {
    this.keys = keys;
  }

  @Override
  public void filter(ClientRequestContext request) {
    request
        .getHeaders()
        .putSingle(
            "Authorization",
            "Bearer " + keys.signer().sign(InternalToken.service("api-gateway", null)));
  }
}
