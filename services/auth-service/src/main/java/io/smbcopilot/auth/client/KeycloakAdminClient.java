package io.smbcopilot.auth.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.faulttolerance.api.Guard;
import io.smallrye.mutiny.Uni;
import io.smbcopilot.auth.config.KeycloakConfig;
import io.smbcopilot.problem.Problem;
import io.smbcopilot.problem.ProblemException;
import io.smbcopilot.problem.ProblemType;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.ws.rs.NotAuthorizedException;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.function.Function;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;
import org.jboss.logging.Logger;
import org.keycloak.admin.client.CreatedResponseUtil;
import org.keycloak.admin.client.Keycloak;
import org.keycloak.admin.client.resource.UsersResource;
import org.keycloak.representations.idm.CredentialRepresentation;
import org.keycloak.representations.idm.UserRepresentation;

/**
 * Keycloak's Admin REST API as the auth-service service account (client credentials), through
 * {@code quarkus-keycloak-admin-rest-client}: creates and deletes the users of the platform's
 * realm, and turns Keycloak's answers into problems. The admin client blocks, so each call runs on
 * a worker thread and its result comes back on the caller's context.
 */
@ApplicationScoped
public class KeycloakAdminClient {
  private static final Logger LOG = Logger.getLogger(KeycloakAdminClient.class);

  private final Instance<Keycloak> keycloak;
  private final KeycloakConfig config;
  private final ObjectMapper json;
  private final Guard timeout;
  private final Vertx vertx;

  public KeycloakAdminClient(
      Instance<Keycloak> keycloak, KeycloakConfig config, ObjectMapper json, Vertx vertx) {
    this.keycloak = keycloak;
    this.vertx = vertx;
    this.config = config;
    this.json = json;
    // The extension's client has no connect or read timeout of its own: each call is bounded here.
    this.timeout =
        Guard.create()
            .withDescription("Keycloak Admin REST call")
            .withTimeout()
            .duration(config.timeout().toMillis(), ChronoUnit.MILLIS)
            .done()
            .build();
  }

  /**
   * Creates an enabled user with a permanent password; Keycloak applies the realm's password
   * policy.
   *
   * @return the new user's id
   * @throws ProblemException 409 for a taken email, 400 naming the broken password rule, 503 when
   *     Keycloak cannot be reached
   */
  public Uni<String> createUser(String email, String password, String displayName) {
    UserRepresentation user = new UserRepresentation();
    user.setUsername(email.toLowerCase());
    user.setEmail(email.toLowerCase());
    user.setEmailVerified(false);
    user.setEnabled(true);
    user.setFirstName(displayName);
    CredentialRepresentation credential = new CredentialRepresentation();
    credential.setType(CredentialRepresentation.PASSWORD);
    credential.setValue(password);
    credential.setTemporary(false);
    user.setCredentials(List.of(credential));
    return call(
        users -> {
          try (Response response = users.create(user)) {
            int status = response.getStatus();
            if (status == 201) {
              return CreatedResponseUtil.getCreatedId(response);
            }
            String body = response.hasEntity() ? response.readEntity(String.class) : "";
            if (status == 409) {
              throw new ProblemException(
                  ProblemType.CONFLICT, "an account with this email already exists");
            }
            String rule = status == 400 ? passwordRule(body) : null;
            if (rule != null) {
              throw new ProblemException(
                  ProblemType.VALIDATION,
                  "the password does not meet the policy: " + rule,
                  List.of(new Problem.FieldError("password", rule)));
            }
            LOG.warnf("Keycloak refused a new user: %d %s", status, body);
            throw new ProblemException(
                ProblemType.BAD_GATEWAY, "the identity provider refused the account");
          }
        });
  }

  /** Whether the service account's secret is set: without it, no user is created or deleted. */
  public boolean configured() {
    return config.adminClientSecret().filter(s -> !s.isBlank()).isPresent();
  }

  /** Deletes the user; a user that is gone already is fine. */
  public Uni<Void> deleteUser(String userId) {
    return call(
        users -> {
          try (Response response = users.delete(userId)) {
            if (response.getStatus() != 204 && response.getStatus() != 404) {
              throw new ProblemException(
                  ProblemType.BAD_GATEWAY,
                  "the identity provider could not delete the user (" + response.getStatus() + ")");
            }
            return null;
          }
        });
  }

  /**
   * The broken rule, from Keycloak's answer ({@code error} names the policy, {@code
   * error_description} says it in words), or null when the answer is not about the password.
   */
  String passwordRule(String body) {
    try {
      JsonNode error = json.readTree(body);
      String code = error.path("error").asText(error.path("errorMessage").asText(""));
      if (!code.startsWith("invalidPassword")) {
        return null;
      }
      String words = error.path("error_description").asText("");
      words = words.replaceFirst("(?i)^invalid password:\\s*", "").replaceAll("\\.$", "");
      return words.isBlank() ? code : words;
    } catch (IOException e) {
      return null;
    }
  }

  /** Runs a call on the realm's users; Keycloak's failures become problems. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private static final Class<Object> RESULT = (Class) Object.class;

  private <T> Uni<T> call(Function<UsersResource, T> work) {
    return vertx.executeBlocking(() -> callBlocking(work), false);
  }

  @SuppressWarnings("unchecked")
  private <T> T callBlocking(Function<UsersResource, T> work) {
    if (config.adminClientSecret().filter(s -> !s.isBlank()).isEmpty()) {
      throw new ProblemException(
          ProblemType.SERVICE_UNAVAILABLE,
          "user provisioning is not configured (COPILOT_KEYCLOAK_ADMIN_CLIENT_SECRET)");
    }
    try {
      return (T)
          timeout.call(() -> work.apply(keycloak.get().realm(config.realm()).users()), RESULT);
    } catch (ProblemException e) {
      throw e;
    } catch (TimeoutException e) {
      LOG.warnf("Keycloak did not answer within %s", config.timeout());
      throw new ProblemException(
          ProblemType.SERVICE_UNAVAILABLE, "the identity provider did not answer in time");
    } catch (NotAuthorizedException e) {
      LOG.warnf("Keycloak service-account login failed: %s", e.getMessage());
      throw new ProblemException(
          ProblemType.SERVICE_UNAVAILABLE, "the identity provider refused the service account");
    } catch (ProcessingException e) {
      LOG.warnf("Keycloak unreachable: %s", e.toString());
      throw new ProblemException(
          ProblemType.SERVICE_UNAVAILABLE, "the identity provider cannot be reached; try again");
    } catch (WebApplicationException e) {
      LOG.warnf("Keycloak answered %d", e.getResponse().getStatus());
      throw new ProblemException(
          ProblemType.BAD_GATEWAY, "the identity provider answered " + e.getResponse().getStatus());
    } catch (Exception e) {
      LOG.warnf("Keycloak call failed: %s", e.toString());
      throw new ProblemException(
          ProblemType.SERVICE_UNAVAILABLE, "the identity provider cannot be reached; try again");
    }
  }
}
