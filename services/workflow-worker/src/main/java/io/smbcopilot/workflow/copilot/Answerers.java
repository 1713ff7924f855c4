package io.smbcopilot.workflow.copilot;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
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

  public Answerers(Config config) {
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
      ModelAnswerer.model(defaults); // an unknown provider fails the start, not the first ask
    }
  }

  public ModelSettings defaults() {
    return defaults;
  }

  /** The model answerer for these settings (not extractive ones). */
  public ModelAnswerer model(ModelSettings settings) {
    return models.computeIfAbsent(settings, ModelAnswerer::new);
  }
}
