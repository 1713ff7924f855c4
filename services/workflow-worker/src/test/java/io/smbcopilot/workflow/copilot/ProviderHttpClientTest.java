package io.smbcopilot.workflow.copilot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.http.client.HttpMethod;
import dev.langchain4j.http.client.HttpRequest;
import dev.langchain4j.http.client.sse.ServerSentEvent;
import dev.langchain4j.http.client.sse.ServerSentEventListener;
import io.smbcopilot.testing.llm.ProviderStub;
import io.smbcopilot.testing.llm.ProviderStub.Reply;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The client's streamed body, byte for byte: a provider's first event comes in the same packet as
 * the head, and Vert.x hands it to the response at once, so the response must be paused before.
 */
class ProviderHttpClientTest {
  private static io.vertx.core.Vertx vertx;
  private static ProviderStub stub;

  @BeforeAll
  static void start() throws Exception {
    vertx = io.vertx.core.Vertx.vertx();
    stub = ProviderStub.start(ProviderStub.Api.OPENAI);
  }

  @AfterAll
  static void stop() {
    stub.close();
    vertx.close().toCompletionStage().toCompletableFuture().join();
  }

  @Test
  void everyStreamIsReadFromItsFirstByte() throws Exception {
    ProviderHttpClient client =
        new ProviderHttpClient.Builder(
                vertx, ProviderHttpClient.vertxClient(vertx), ProviderHttpClient.SYSTEM)
            .build();
    String first = null;
    // the loss came once in a few dozen calls on a busy machine (pooled connections on another
    // event loop than the caller's context): 400 calls of a short reply
    for (int i = 0; i < 400; i++) {
      stub.enqueue(Reply.text("Every ", "45 ", "days."));
      String body = stable(read(client));
      if (first == null) {
        first = body;
        assertThat(first)
            .startsWith("data: {")
            .contains("\"role\":\"assistant\"")
            .contains("\"content\":\"Every \"")
            .endsWith("data: [DONE]\n\n");
      }
      assertThat(body).as("call %d", i).isEqualTo(first);
    }
    assertThat(stub.completed()).isEqualTo(400);
  }

  private String read(ProviderHttpClient client) throws Exception {
    CompletableFuture<byte[]> done = new CompletableFuture<>();
    client.execute(
        HttpRequest.builder()
            .method(HttpMethod.POST)
            .url(stub.baseUrl() + "/chat/completions")
            .addHeader("Content-Type", "application/json")
            .addHeader("Authorization", "Bearer sk-test-not-a-secret")
            .body(
                "{\"model\":\"stub-model\",\"stream\":true,"
                    + "\"messages\":[{\"role\":\"user\",\"content\":\"q\"}]}")
            .build(),
        (InputStream in, ServerSentEventListener listener) -> {
          try {
            done.complete(in.readAllBytes());
          } catch (Exception e) {
            done.completeExceptionally(e);
          }
        },
        new ServerSentEventListener() {
          @Override
          public void onEvent(ServerSentEvent event) {}

          @Override
          public void onError(Throwable error) {
            done.completeExceptionally(error);
          }
        });
    return new String(done.get(10, TimeUnit.SECONDS), StandardCharsets.UTF_8);
  }

  /** The body without what differs between calls (the completion's id and time). */
  private static String stable(String body) {
    return body.replaceAll("\"id\":\"[^\"]+\"", "\"id\":\"\"")
        .replaceAll("\"created\":\\d+", "\"created\":0");
  }
}
