package io.smbcopilot.gateway.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.cache.Cache;
import io.quarkus.cache.CacheName;
import io.smallrye.mutiny.Uni;
import io.smbcopilot.security.InternalToken;
import io.smbcopilot.security.PrincipalType;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Asks auth-service who a user is (tenant, plan, roles, permissions) and whether an API key is
 * valid. Answers are reused for a few seconds ({@code copilot.gateway.principal-cache-ttl}, {@code
 * api-key-cache-ttl}) from two size-bounded Caffeine caches of quarkus-cache ({@value #USERS},
 * {@value #API_KEYS}); concurrent questions about the same subject share one call, and a failed
 * call is not remembered.
 */
@ApplicationScoped
public class AuthServiceClient {
  /** The cache of users' principals. */
  public static final String USERS = "gateway-principals";

  /** The cache of API keys' principals. */
  public static final String API_KEYS = "gateway-api-keys";

  private final HttpClient http;
  private final URI base;
  private final SigningKeys keys;
  private final ObjectMapper json;

  @Inject
  @CacheName(USERS)
  Cache users;

  @Inject
  @CacheName(API_KEYS)
  Cache apiKeys;

  public AuthServiceClient(
      Vertx vertx,
      SigningKeys keys,
      ObjectMapper json,
      @ConfigProperty(
              name = "copilot.services.auth-service.url",
              defaultValue = "http://localhost:8081")
          String authUrl) {
    this.base = URI.create(authUrl);
    this.http =
        vertx.createHttpClient(
            new HttpClientOptions().setKeepAlive(true).setConnectTimeout(2000),
            new io.vertx.core.http.PoolOptions().setHttp1MaxSize(32));
    this.keys = keys;
    this.json = json;
  }

  /** The user's principal; empty when they belong to no tenant. */
  public Future<Optional<Principal>> user(String userId) {
    return cached(
        users,
        userId,
        () ->
            call(HttpMethod.GET, "/internal/v1/principals/users/" + userId, null)
                .map(body -> body.map(this::userPrincipal)));
  }

  /** The key's principal; empty when it is unknown, revoked or expired. */
  public Future<Optional<Principal>> apiKey(String key) {
    String request = json.createObjectNode().put("key", key).toString();
    return cached(
        apiKeys,
        key,
        () ->
            call(HttpMethod.POST, "/internal/v1/api-keys/verify", request)
                .map(body -> body.map(this::keyPrincipal)));
  }

  private static Future<Optional<Principal>> cached(
      Cache cache, String key, Supplier<Future<Optional<Principal>>> load) {
    Uni<Optional<Principal>> answer =
        cache.getAsync(
            key, k -> Uni.createFrom().completionStage(() -> load.get().toCompletionStage()));
    return Future.fromCompletionStage(answer.subscribeAsCompletionStage());
  }

  /** The body of a 200, empty for 401/404, a failure for anything else. */
  private Future<Optional<JsonNode>> call(HttpMethod method, String path, String body) {
    String token = keys.signer().sign(InternalToken.service("api-gateway", null));
    RequestOptions options =
        new RequestOptions()
            .setMethod(method)
            .setHost(base.getHost())
            .setPort(base.getPort())
            .setURI(path)
            .setIdleTimeout(5000)
            .putHeader("Authorization", "Bearer " + token)
            .putHeader("Accept", "application/json");
    if (body != null) {
      options.putHeader("Content-Type", "application/json");
    }
    return http.request(options)
        .compose(req -> body == null ? req.send() : req.send(Buffer.buffer(body)))
        .compose(
            response ->
                response
                    .body()
                    .map(
                        buffer -> {
                          int status = response.statusCode();
                          if (status == 200) {
                            try {
                              return Optional.of(json.readTree(buffer.getBytes()));
                            } catch (java.io.IOException e) {
                              throw new IllegalStateException("auth-service sent bad JSON", e);
                            }
                          }
                          if (status == 401 || status == 404) {
                            return Optional.<JsonNode>empty();
                          }
                          throw new IllegalStateException("auth-service answered " + status);
                        }));
  }

  private Principal userPrincipal(JsonNode node) {
    return new Principal(
        PrincipalType.USER,
        node.path("userId").asText(),
        node.path("tenantId").asText(),
        node.path("plan").asText(null),
        strings(node.path("roles")),
        strings(node.path("permissions")),
        List.of());
  }

  private Principal keyPrincipal(JsonNode node) {
    List<String> scopes = strings(node.path("scopes"));
    return new Principal(
        PrincipalType.API_KEY,
        node.path("keyId").asText(),
        node.path("tenantId").asText(),
        node.path("plan").asText(null),
        List.of(),
        scopes,
        scopes);
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return List.copyOf(out);
  }
}
