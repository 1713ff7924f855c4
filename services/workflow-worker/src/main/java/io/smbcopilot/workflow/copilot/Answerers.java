package io.smbcopilot.workflow.copilot;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.mutiny.Uni;
import io.smbcopilot.security.SecretCipher;
import io.smbcopilot.workflow.repository.CopilotSettingsRepository;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The answerer a question gets: the deployment's default ({@code copilot.answerer.*}), the embedded
 * extractive answerer unless configured otherwise. Model answerers are built once per settings and
 * reused.
 */
@ApplicationScoped
public class Answerers {
  /** The deployment-wide defaults. */
  @ConfigMapping(prefix = "copilot.answerer")
  public interface Config {
    /** extractive, openai or anthropic. */
    @WithDefault("extractive")
    String provider();

    Optional<String> baseUrl();

    Optional<String> model();

    Optional<String> apiKey();

    @WithDefault("20s")
    Duration firstTokenTimeout();

    @WithDefault("120s")
    Duration timeout();

    @WithDefault("2")
    int retries();

    @WithDefault("800")
    int maxOutputTokens();
  }

  private final ModelSettings defaults;
  private final Map<ModelSettings, ModelAnswerer> models = new ConcurrentHashMap<>();
  private final CopilotSettingsRepository tenants;
  private final SecretCipher cipher;
  private final BaseUrlPolicy policy;

  private final Vertx vertx;
  private final io.vertx.core.http.HttpClient http;

  public Answerers(
      Config config,
      CopilotSettingsRepository tenants,
      SecretCipher cipher,
      BaseUrlPolicy policy,
      Vertx vertx) {
    this.vertx = vertx;
    this.http = ProviderHttpClient.vertxClient(vertx);
    this.tenants = tenants;
    this.cipher = cipher;
    this.policy = policy;
    this.defaults =
        new ModelSettings(
            config.provider(),
            config.baseUrl().orElse(null),
            config.model().orElse(null),
            config.apiKey().orElse(null),
            config.firstTokenTimeout(),
            config.timeout(),
            config.retries(),
            config.maxOutputTokens());
    if (!defaults.extractive()) {
      if (defaults.baseUrl() == null || defaults.model() == null) {
        throw new IllegalStateException(
            "copilot.answerer.provider="
                + defaults.provider()
                + " needs copilot.answerer.base-url and copilot.answerer.model");
      }
      // an unknown provider fails the start, not the first ask
      ModelAnswerer.model(
          defaults, new ProviderHttpClient.Builder(vertx, http, ProviderHttpClient.SYSTEM));
    }
  }

  public ModelSettings defaults() {
    return defaults;
  }

  /**
   * The tenant's own settings when it has some (its provider, URL, model, key and answer length;
   * the deployment's timeouts and retries), the deployment's otherwise. A tenant's base URL is
   * checked again each time (its host may resolve elsewhere since it was saved).
   */
  public Uni<ModelSettings> forTenant(UUID tenantId) {
    return Panache.withSession(() -> tenants.findById(tenantId))
        .map(
            own -> {
              if (own == null) {
                return defaults;
              }
              if (!ModelSettings.EXTRACTIVE.equals(own.provider)) {
                policy.check(own.baseUrl);
              }
              return new ModelSettings(
                  own.provider,
                  own.baseUrl,
                  own.model,
                  own.apiKeyEncrypted == null
                      ? null
                      : cipher.decrypt(tenantId, own.apiKeyEncrypted),
                  defaults.firstToken(),
                  defaults.answer(),
                  defaults.retries(),
                  own.maxOutputTokens == null ? defaults.maxOutputTokens() : own.maxOutputTokens);
            });
  }

  /**
   * The model answerer for these settings (not extractive ones). The deployment's provider is the
   * operator's and is called where the system resolves it; a tenant's is called only at an address
   * {@link BaseUrlPolicy#address} checked for that call.
   */
  public ModelAnswerer model(ModelSettings settings) {
    return models.computeIfAbsent(
        settings,
        s ->
            new ModelAnswerer(
                s,
                new ProviderHttpClient.Builder(
                    vertx,
                    http,
                    s.equals(defaults) ? ProviderHttpClient.SYSTEM : policy::address)));
  }
}
