package io.smbcopilot.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * An open server-sent event stream in a test: events one at a time as they come, each awaited
 * within a time ({@code id:}, {@code event:} and {@code data:} lines ended by an empty line;
 * comments skipped).
 */
public final class EventStream implements AutoCloseable {
  /** An event of the stream. */
  public record Event(String id, String name, String data) {}

  private final HttpResponse<InputStream> response;
  private final BufferedReader reader;

  private EventStream(HttpResponse<InputStream> response) {
    this.response = response;
    this.reader =
        new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8));
  }

  /** GETs the stream with the bearer token (and Last-Event-ID when not null). */
  public static EventStream open(URI uri, String token, String lastEventId) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri)
            .header("Authorization", "Bearer " + token)
            .header("Accept", "text/event-stream");
    if (lastEventId != null) {
      request.header("Last-Event-ID", lastEventId);
    }
    return new EventStream(
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .build()
            .send(request.GET().build(), HttpResponse.BodyHandlers.ofInputStream()));
  }

  public HttpResponse<InputStream> response() {
    return response;
  }

  /** The next event (comments skipped) within the time; null when the stream ended. */
  public Event next(Duration within) throws Exception {
    return CompletableFuture.supplyAsync(
            () -> {
              try {
                String id = null;
                String name = null;
                StringBuilder data = null;
                for (String line; (line = reader.readLine()) != null; ) {
                  if (line.isEmpty()) {
                    if (data != null) {
                      return new Event(id, name, data.toString());
                    }
                  } else if (line.startsWith("id:")) {
                    id = line.substring(3).trim();
                  } else if (line.startsWith("event:")) {
                    name = line.substring(6).trim();
                  } else if (line.startsWith("data:")) {
                    data = new StringBuilder(line.substring(5).trim());
                  }
                }
                return null;
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            })
        .get(within.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() throws Exception {
    response.body().close();
  }
}
