package io.smbcopilot.workflow.copilot;

import dev.langchain4j.http.client.HttpClientBuilder;
import dev.langchain4j.http.client.jdk.JdkHttpClientBuilder;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import io.smbcopilot.testing.llm.ProviderStub;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * langchain4j's OpenAI streaming model over the HTTP client it ships (JDK) and over the copilot's
 * {@link ProviderHttpClient} (Vert.x, checked address), side by side in one run against the OpenAI
 * stub on loopback: time to the first token and to the complete answer, p50 and p95, in turns.
 * Prints; asserts nothing about speed (decision 0006).
 *
 * <p>{@code ./mvnw -B verify -pl services/workflow-worker -Pbench}
 */
@Tag("bench")
class ProviderClientBenchmark {
  static final int WARM_UP = Integer.getInteger("provider.warmup", 300);
  static final int CALLS = Integer.getInteger("provider.calls", 500);

  record Timing(double first, double done) {}

  static Timing call(StreamingChatModel model, ChatRequest request) throws Exception {
    CompletableFuture<Double> first = new CompletableFuture<>();
    CompletableFuture<Double> done = new CompletableFuture<>();
    long start = System.nanoTime();
    model.chat(
        request,
        new StreamingChatResponseHandler() {
          @Override
          public void onPartialResponse(String partial) {
            first.complete((System.nanoTime() - start) / 1e6);
          }

          @Override
          public void onCompleteResponse(ChatResponse response) {
            done.complete((System.nanoTime() - start) / 1e6);
          }

          @Override
          public void onError(Throwable error) {
            first.completeExceptionally(error);
            done.completeExceptionally(error);
          }
        });
    return new Timing(first.get(10, TimeUnit.SECONDS), done.get(10, TimeUnit.SECONDS));
  }

  static double percentile(List<Double> values, double p) {
    double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    return sorted[Math.max(0, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
  }

  static StreamingChatModel model(String baseUrl, HttpClientBuilder http) {
    return OpenAiStreamingChatModel.builder()
        .httpClientBuilder(http)
        .baseUrl(baseUrl)
        .apiKey("sk-test-not-a-secret")
        .modelName("stub-model")
        .timeout(Duration.ofSeconds(20))
        .build();
  }

  @Test
  void jdkClientAndProviderHttpClientSideBySide() throws Exception {
    Vertx vertx = Vertx.vertx();
    try (ProviderStub stub = ProviderStub.start(ProviderStub.Api.OPENAI)) {
      String[] words = new String[40];
      Arrays.fill(words, "word ");
      stub.answerer(prompt -> String.join("", words));
      StreamingChatModel jdk = model(stub.baseUrl(), new JdkHttpClientBuilder());
      StreamingChatModel ours =
          model(
              stub.baseUrl(),
              new ProviderHttpClient.Builder(
                  vertx, ProviderHttpClient.vertxClient(vertx), ProviderHttpClient.SYSTEM));
      ChatRequest request =
          ChatRequest.builder()
              .messages(dev.langchain4j.data.message.UserMessage.from("How often?"))
              .build();
      List<Double> jdkFirst = new ArrayList<>();
      List<Double> jdkDone = new ArrayList<>();
      List<Double> oursFirst = new ArrayList<>();
      List<Double> oursDone = new ArrayList<>();
      for (int i = 0; i < WARM_UP + CALLS; i++) {
        Timing a = call(jdk, request);
        Timing b = call(ours, request);
        if (i >= WARM_UP) {
          jdkFirst.add(a.first());
          jdkDone.add(a.done());
          oursFirst.add(b.first());
          oursDone.add(b.done());
        }
      }
      System.out.printf(
          Locale.ROOT,
          "provider client bench: %d calls each after %d warm-up, 40 chunks an answer%n",
          CALLS,
          WARM_UP);
      System.out.printf(
          Locale.ROOT,
          "provider client bench: %-28s first token p50 %6.2f p95 %6.2f ms, done p50 %6.2f p95"
              + " %6.2f ms%n",
          "langchain4j JDK client",
          percentile(jdkFirst, 50),
          percentile(jdkFirst, 95),
          percentile(jdkDone, 50),
          percentile(jdkDone, 95));
      System.out.printf(
          Locale.ROOT,
          "provider client bench: %-28s first token p50 %6.2f p95 %6.2f ms, done p50 %6.2f p95"
              + " %6.2f ms%n",
          "ProviderHttpClient (Vert.x)",
          percentile(oursFirst, 50),
          percentile(oursFirst, 95),
          percentile(oursDone, 50),
          percentile(oursDone, 95));
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().join();
    }
  }
}
