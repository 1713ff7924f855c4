package io.smbcopilot.auth.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smbcopilot.auth.config.KeycloakConfig;
import io.smbcopilot.problem.Problem;
import io.smbcopilot.problem.ProblemException;
import io.smbcopilot.problem.ProblemType;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Keycloak's Admin REST API, as the auth-service service account: creates and deletes the users of
 * the platform's realm. Blocking; call it from a worker thread.
 */
@ApplicationScoped
public class KeycloakAdminClient {
  private static final Logger LOG = Logger.getLogger(KeycloakAdminClient.class);

  private final KeycloakConfig config;
  private final ObjectMapper json;
  private final HttpClient http;
  private String token;
  private long tokenExpiresAt;

  public KeycloakAdminClient(KeycloakConfig config, ObjectMapper json) {
    this.config = config;
    this.json = json;
    this.http = HttpClient.newBuilder().connectTimeout(config.timeout()).build();
  }

  /**
   * Creates an enabled user with a permanent password; Keycloak applies the realm's password
   * policy.
   *
   * @return the new user's id
   * @throws ProblemException 409 for a taken email, 400 naming the broken password rule, 503 when
   *     Keycloak cannot be reached
   */
  public String createUser(String email, String password, String displayName) {
    ObjectNode user = json.createObjectNode();
    user.put("username", email.toLowerCase());
    user.put("email", email.toLowerCase());
    user.put("emailVerified", false);
    user.put("enabled", true);
    user.put("firstName", displayName);
    ObjectNode credential = user.putArray("credentials").addObject();
    credential.put("type", "password");
    credential.put("value", password);
    credential.put("temporary", false);
    HttpResponse<String> response = send("POST", "/users", user.toString());
    if (response.statusCode() == 201) {
      String location = response.headers().firstValue("Location").orElseThrow();
      return location.substring(location.lastIndexOf('/') + 1);
    }
    if (response.statusCode() == 409) {
      throw new ProblemException(ProblemType.CONFLICT, "an account with this email already exists");
    }
    if (response.statusCode() == 400) {
      String rule = passwordRule(response.body());
      if (rule != null) {
        throw new ProblemException(
            ProblemType.VALIDATION,
            "the password does not meet the policy: " + rule,
            List.of(new Problem.FieldError("password", rule)));
      }
    }
    LOG.warnf("Keycloak refused a new user: %d %s", response.statusCode(), response.body());
    throw new ProblemException(
        ProblemType.BAD_GATEWAY, "the identity provider refused the account");
  }

  /** Deletes the user; a user that is gone already is fine. */
  public void deleteUser(String userId) {
    HttpResponse<String> response = send("DELETE", "/users/" + userId, null);
    if (response.statusCode() != 204 && response.statusCode() != 404) {
      throw new ProblemException(
          ProblemType.BAD_GATEWAY,
          "the identity provider could not delete the user (" + response.statusCode() + ")");
    }
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

  private HttpResponse<String> send(String method, String path, String body) {
    URI uri = URI.create(config.url() + "/admin/realms/" + config.realm() + path);
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri)
            .timeout(config.timeout())
            .header("Authorization", "Bearer " + token())
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    try {
      HttpResponse<String> response =
          http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() == 401) {
        invalidate();
      }
      return response;
    } catch (IOException e) {
      throw unavailable(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw unavailable(e);
    }
  }

  private synchronized void invalidate() {
    token = null;
  }

  /**
   * The service account's access token (client credentials), reused until shortly before expiry.
   */
  private synchronized String token() {
    if (token != null && System.currentTimeMillis() < tokenExpiresAt) {
      return token;
    }
    String secret =
        config
            .adminClientSecret()
            .orElseThrow(
                () ->
                    new ProblemException(
                        ProblemType.SERVICE_UNAVAILABLE,
                        "user provisioning is not configured (COPILOT_KEYCLOAK_ADMIN_CLIENT_SECRET)"));
    String form =
        "grant_type=client_credentials&client_id="
            + URLEncoder.encode(config.adminClientId(), StandardCharsets.UTF_8)
            + "&client_secret="
            + URLEncoder.encode(secret, StandardCharsets.UTF_8);
    try {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(
                      URI.create(
                          config.url()
                              + "/realms/"
                              + config.realm()
                              + "/protocol/openid-connect/token"))
                  .timeout(config.timeout())
                  .header("Content-Type", "application/x-www-form-urlencoded")
                  .POST(HttpRequest.BodyPublishers.ofString(form))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        LOG.warnf("Keycloak service-account login failed: %d", response.statusCode());
        throw new ProblemException(
            ProblemType.SERVICE_UNAVAILABLE, "the identity provider refused the service account");
      }
      JsonNode body = json.readTree(response.body());
      token = body.path("access_token").asText();
      tokenExpiresAt =
          System.currentTimeMillis() + Math.max(5, body.path("expires_in").asLong(60) - 15) * 1000;
      return token;
    } catch (IOException e) {
      throw unavailable(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw unavailable(e);
    }
  }

  private static ProblemException unavailable(Exception e) {
    LOG.warnf("Keycloak unreachable: %s", e.toString());
    return new ProblemException(
        ProblemType.SERVICE_UNAVAILABLE, "the identity provider cannot be reached; try again");
  }
}
