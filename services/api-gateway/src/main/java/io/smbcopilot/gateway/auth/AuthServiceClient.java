package io.smbcopilot.gateway.auth;

import io.quarkus.cache.Cache;
import io.quarkus.cache.CacheName;
import io.smallrye.mutiny.Uni;
import io.smbcopilot.gateway.client.AuthServiceApi;
import io.smbcopilot.security.PrincipalType;
import io.vertx.core.Future;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.jboss.resteasy.reactive.ClientWebApplicationException;

/**
 * Who a caller is, as auth-service knows it ({@link AuthServiceApi}): a user's tenant, plan, roles
 * and permissions, or an API key's tenant, plan and scopes. Answers are reused for a few seconds
 * ({@code copilot.gateway.principal-cache-ttl}, {@code api-key-cache-ttl}) from two size-bounded
 * Caffeine caches of quarkus-cache ({@value #USERS}, {@value #API_KEYS}); concurrent questions
 * about the same subject share one call, and a failed call is not remembered.
 */
@ApplicationScoped
public class AuthServiceClient {
  /** The cache of users' principals. */
  public static final String USERS = "gateway-principals";

  /** The cache of API keys' principals. */
  public static final String API_KEYS = "gateway-api-keys";

  @Inject @RestClient AuthServiceApi api;

  @Inject
  @CacheName(USERS)
  Cache users;

  @Inject
  @CacheName(API_KEYS)
  Cache apiKeys;

  /** The user's principal; empty when they belong to no tenant. */
  public Future<Optional<Principal>> user(String userId) {
    return cached(
        users,
        userId,
        () ->
            known(api.user(userId))
                .map(
                    found ->
                        found.map(
                            u ->
                                new Principal(
                                    PrincipalType.USER,
                                    u.userId(),
                                    u.tenantId(),
                                    u.plan(),
                                    list(u.roles()),
                                    list(u.permissions()),
                                    List.of()))));
  }

  /** The key's principal; empty when it is unknown, revoked or expired. */
  public Future<Optional<Principal>> apiKey(String key) {
    return cached(
        apiKeys,
        key,
        () ->
            known(api.verify(new AuthServiceApi.KeyCheck(key)))
                .map(
                    found ->
                        found.map(
                            k ->
                                new Principal(
                                    PrincipalType.API_KEY,
                                    k.keyId(),
                                    k.tenantId(),
                                    k.plan(),
                                    List.of(),
                                    list(k.scopes()),
                                    list(k.scopes())))));
  }

  /** The answer, empty for auth-service's 401 or 404 (unknown user or key). */
  private static <T> Uni<Optional<T>> known(Uni<T> call) {
    return call.map(Optional::of)
        .onFailure(
            e ->
                e instanceof ClientWebApplicationException c
                    && (c.getResponse().getStatus() == 401 || c.getResponse().getStatus() == 404))
        .recoverWithItem(Optional.empty());
  }

  private static Future<Optional<Principal>> cached(
      Cache cache, String key, Supplier<Uni<Optional<Principal>>> load) {
    Uni<Optional<Principal>> answer = cache.getAsync(key, k -> load.get());
    return Future.fromCompletionStage(answer.subscribeAsCompletionStage());
  }

  private static List<String> list(List<String> values) {
    return values == null ? List.of() : List.copyOf(values);
  }
}
