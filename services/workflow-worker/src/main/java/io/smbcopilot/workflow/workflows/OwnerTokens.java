package io.smbcopilot.workflow.workflows;

import io.quarkus.oidc.client.OidcClient;
import io.quarkus.oidc.client.Tokens;
import io.smbcopilot.workflow.client.GatewayTokensApi;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.WebApplicationException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/**
 * The internal token of a workflow's owner, for a step that calls another service for them: the
 * gateway mints it from the owner's membership as it is now, asked with the worker's own service
 * account token (Keycloak client credentials, quarkus-oidc-client). A token is reused for at most
 * {@value #REUSE_SECONDS} seconds, so a removed owner or a lost permission stops the workflow's
 * steps within that (and the gateway's principal cache, 3 s). Called on a step's worker thread.
 */
@ApplicationScoped
public class OwnerTokens {
  static final long REUSE_SECONDS = 5;

  /** An owner's token and what they may do. */
  public record Owner(
      String userId, String token, List<String> permissions, String plan, long fetchedAtNanos) {
    public boolean has(String permission) {
      return permissions != null && permissions.contains(permission);
    }
  }

  private final OidcClient oidc;
  private final GatewayTokensApi gateway;
  private final Map<String, Owner> recent = new ConcurrentHashMap<>();
  private volatile Tokens service;

  public OwnerTokens(OidcClient oidc, @RestClient GatewayTokensApi gateway) {
    this.oidc = oidc;
    this.gateway = gateway;
  }

  /**
   * The owner as they are now; a {@link StepError} {@code owner} (not retried) when they are no
   * member of the tenant any more, {@code connection} (retried) when it cannot be asked.
   */
  public Owner owner(UUID tenantId, String userId) {
    String key = tenantId + "/" + userId;
    Owner known = recent.get(key);
    if (known != null
        && System.nanoTime() - known.fetchedAtNanos()
            < Duration.ofSeconds(REUSE_SECONDS).toNanos()) {
      return known;
    }
    GatewayTokensApi.OnBehalf found;
    try {
      found =
          gateway.token(
              "Bearer " + serviceToken(), new GatewayTokensApi.Ask(tenantId.toString(), userId));
    } catch (WebApplicationException e) {
      int status = e.getResponse().getStatus();
      if (status == 403) {
        recent.remove(key);
        throw new StepError(
            "owner",
            "the workflow's owner "
                + userId
                + " is no member of the tenant any more: a workflow manager can save the workflow"
                + " again, and owns it then",
            false,
            null);
      }
      if (status == 401) {
        service = null; // our own token: get a new one next time
      }
      throw new StepError(
          StepError.CONNECTION,
          "the owner's permissions cannot be checked now (the gateway answered " + status + ")",
          true,
          null);
    } catch (RuntimeException e) {
      throw new StepError(
          StepError.CONNECTION,
          "the owner's permissions cannot be checked now: " + e.getMessage(),
          true,
          null);
    }
    Owner owner =
        new Owner(
            userId,
            found.token(),
            found.permissions(),
            found.plan() == null || found.plan().isBlank() ? null : found.plan(),
            System.nanoTime());
    recent.put(key, owner);
    return owner;
  }

  private String serviceToken() {
    Tokens current = service;
    if (current == null || current.isAccessTokenExpired()) {
      current = oidc.getTokens().await().atMost(Duration.ofSeconds(15));
      service = current;
    }
    return current.getAccessToken();
  }
}
