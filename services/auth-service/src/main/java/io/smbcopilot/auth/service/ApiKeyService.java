package io.smbcopilot.auth.service;

import io.opentelemetry.instrumentation.annotations.SpanAttribute;
import io.opentelemetry.instrumentation.annotations.WithSpan;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smbcopilot.auth.config.AuthConfig;
import io.smbcopilot.auth.repository.ApiKeyRepository;
import io.smbcopilot.auth.repository.TenantRepository;
import io.smbcopilot.events.EventType;
import io.smbcopilot.events.identity.ApiKeyChanged;
import io.smbcopilot.problem.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import java.security.MessageDigest;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Partner API keys: {@code smbc_<10 characters>_<40 characters>}. The first part (the prefix) is
 * shown in lists and finds the key; only a SHA-256 hash of the whole key is stored, and the secret
 * is shown once, when the key is made.
 */
@ApplicationScoped
public class ApiKeyService {
  public static final Pattern FORMAT = Pattern.compile("(smbc_[A-Za-z0-9]{10})_([A-Za-z0-9]{40})");

  public record ApiKey(
      UUID id,
      String name,
      String prefix,
      List<String> scopes,
      String createdBy,
      OffsetDateTime createdAt,
      OffsetDateTime expiresAt,
      OffsetDateTime lastUsedAt,
      OffsetDateTime revokedAt,
      String secret) {
    public String status() {
      if (revokedAt != null) {
        return "revoked";
      }
      return expiresAt != null && expiresAt.isBefore(OffsetDateTime.now()) ? "expired" : "active";
    }

    static ApiKey of(io.smbcopilot.auth.domain.ApiKey key, String secret) {
      return new ApiKey(
          key.id,
          key.name,
          key.prefix,
          List.copyOf(key.scopes),
          key.createdBy,
          key.createdAt,
          key.expiresAt,
          key.lastUsedAt,
          key.revokedAt,
          secret);
    }
  }

  public record VerifiedKey(
      UUID keyId, UUID tenantId, String name, List<String> scopes, String plan, String createdBy) {}

  private final ApiKeyRepository keys;
  private final TenantRepository tenants;
  private final IdentityRecorder recorder;
  private final AuthConfig config;

  public ApiKeyService(
      ApiKeyRepository keys,
      TenantRepository tenants,
      IdentityRecorder recorder,
      AuthConfig config) {
    this.keys = keys;
    this.tenants = tenants;
    this.recorder = recorder;
    this.config = config;
  }

  @WithTransaction
  @WithSpan("ApiKeyService.create")
  public Uni<ApiKey> create(
      @SpanAttribute("tenant.id") UUID tenantId,
      Actor actor,
      Set<String> mine,
      String name,
      List<String> scopes,
      OffsetDateTime expiresAt) {
    List<String> checked = RoleService.checkPermissions(scopes, mine);
    if (expiresAt != null && !expiresAt.isAfter(OffsetDateTime.now())) {
      throw ProblemException.invalid("expiresAt", "must be in the future");
    }
    String prefix = "smbc_" + Secrets.readable(10);
    String secret = prefix + "_" + Secrets.readable(40);
    io.smbcopilot.auth.domain.ApiKey key = new io.smbcopilot.auth.domain.ApiKey();
    key.id = UUID.randomUUID();
    key.tenantId = tenantId;
    key.name = name.trim();
    key.prefix = prefix;
    key.secretHash = Secrets.sha256(secret);
    key.scopes = checked;
    key.createdBy = actor.id();
    key.createdAt = Now.utc();
    key.expiresAt = expiresAt;
    return keys.persist(key)
        .call(
            created ->
                recorder.audit(
                    tenantId,
                    actor,
                    "api-key.created",
                    "api-key",
                    key.id.toString(),
                    "success",
                    Map.of("name", key.name, "prefix", prefix, "scopes", checked)))
        .call(created -> announce(tenantId, actor, created, "created"))
        .map(created -> ApiKey.of(created, secret));
  }

  @WithSession
  @WithSpan("ApiKeyService.list")
  public Uni<List<ApiKey>> list(@SpanAttribute("tenant.id") UUID tenantId) {
    return keys.forTenant(tenantId)
        .map(found -> found.stream().map(k -> ApiKey.of(k, null)).toList());
  }

  @WithSession
  @WithSpan("ApiKeyService.get")
  public Uni<ApiKey> get(@SpanAttribute("tenant.id") UUID tenantId, UUID id) {
    return existing(tenantId, id).map(key -> ApiKey.of(key, null));
  }

  /** Revokes the key (again is fine); it stops working within the gateway's cache time. */
  @WithTransaction
  @WithSpan("ApiKeyService.revoke")
  public Uni<Void> revoke(@SpanAttribute("tenant.id") UUID tenantId, Actor actor, UUID id) {
    return existing(tenantId, id)
        .chain(
            key -> key.revokedAt != null ? Uni.createFrom().voidItem() : revoke(key, actor, null));
  }

  /** Revokes, in the caller's transaction, every key a (removed) member created. */
  Uni<Void> revokeCreatedBy(UUID tenantId, Actor actor, String userId) {
    return keys.unrevokedCreatedBy(tenantId, userId)
        .onItem()
        .transformToMulti(found -> Multi.createFrom().iterable(found))
        .onItem()
        .transformToUniAndConcatenate(key -> revoke(key, actor, "its creator was removed"))
        .collect()
        .last()
        .replaceWithVoid();
  }

  /** Revokes a live key: audited and announced. */
  private Uni<Void> revoke(io.smbcopilot.auth.domain.ApiKey key, Actor actor, String reason) {
    key.revokedAt = Now.utc();
    key.revokedBy = actor.id();
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("prefix", key.prefix);
    if (reason != null) {
      details.put("reason", reason);
    }
    return recorder
        .audit(
            key.tenantId,
            actor,
            "api-key.revoked",
            "api-key",
            key.id.toString(),
            "success",
            details)
        .chain(() -> announce(key.tenantId, actor, key, "revoked"));
  }

  private Uni<Void> announce(
      UUID tenantId, Actor actor, io.smbcopilot.auth.domain.ApiKey key, String change) {
    return recorder.emit(
        EventType.API_KEY_CHANGED,
        tenantId,
        "api-key/" + key.id,
        new ApiKeyChanged(
            tenantId.toString(),
            key.id.toString(),
            key.prefix,
            List.copyOf(key.scopes),
            change,
            actor.id()));
  }

  private Uni<io.smbcopilot.auth.domain.ApiKey> existing(UUID tenantId, UUID id) {
    return keys.find(tenantId, id)
        .onItem()
        .ifNull()
        .failWith(() -> ProblemException.notFound("API key"));
  }

  /** The key's tenant and scopes, if it is well-formed, known, not revoked and not expired. */
  @WithTransaction
  @WithSpan("ApiKeyService.verify")
  public Uni<Optional<VerifiedKey>> verify(String presented) {
    Matcher parts = presented == null ? null : FORMAT.matcher(presented.trim());
    if (parts == null || !parts.matches()) {
      return Uni.createFrom().item(Optional.empty());
    }
    OffsetDateTime now = Now.utc();
    return keys.live(parts.group(1), now)
        .chain(
            key -> {
              if (key == null
                  || !MessageDigest.isEqual(key.secretHash, Secrets.sha256(presented.trim()))) {
                return Uni.createFrom().item(Optional.<VerifiedKey>empty());
              }
              return keys.touch(key.id, now, config.lastUseResolution())
                  .chain(() -> tenants.findById(key.tenantId))
                  .map(
                      tenant ->
                          Optional.of(
                              new VerifiedKey(
                                  key.id,
                                  key.tenantId,
                                  key.name,
                                  List.copyOf(key.scopes),
                                  tenant.plan,
                                  key.createdBy)));
            });
  }
}
