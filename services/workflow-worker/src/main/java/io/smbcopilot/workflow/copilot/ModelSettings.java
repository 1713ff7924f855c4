package io.smbcopilot.workflow.copilot;

import java.time.Duration;

/**
 * Which model answers and how long it may take: the deployment's defaults or a tenant's own.
 *
 * @param provider {@code extractive} (no model), {@code openai} (OpenAI-compatible chat
 *     completions: OpenAI, Azure-style base URLs, Ollama, vLLM, llama.cpp server) or {@code
 *     anthropic} (Anthropic Messages)
 * @param baseUrl the provider's API base, for example {@code https://api.openai.com/v1} or {@code
 *     http://ollama:11434/v1}
 * @param apiKey the provider's key (null for servers that take none)
 * @param firstToken how long the first token may take, retries not counted
 * @param answer how long a whole answer may take
 * @param retries attempts after the first on 429, 5xx and overloaded, before the first token
 */
public record ModelSettings(
    String provider,
    String baseUrl,
    String model,
    String apiKey,
    Duration firstToken,
    Duration answer,
    int retries,
    int maxOutputTokens) {
  public static final String EXTRACTIVE = "extractive";
  public static final String OPENAI = "openai";
  public static final String ANTHROPIC = "anthropic";

  public boolean extractive() {
    return provider == null || EXTRACTIVE.equals(provider);
  }

  @Override
  public String toString() {
    // never the key
    return "ModelSettings[" + provider + ", " + baseUrl + ", " + model + "]";
  }
}
