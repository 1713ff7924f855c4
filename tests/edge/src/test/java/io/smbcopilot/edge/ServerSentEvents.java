package io.smbcopilot.edge;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * A client of a server-sent event stream, as the format is specified (WHATWG HTML, "Server-sent
 * events"): events made of {@code event:} and {@code data:} lines, ended by an empty line; comment
 * lines start with a colon. Each event is stamped with when it arrived.
 */
final class ServerSentEvents {
  private ServerSentEvents() {}

  /** An event ({@code name} null for a comment), with its arrival in ms after the request. */
  record Event(String name, String data, String comment, long atMillis, String id) {
    Event(String name, String data, String comment, long atMillis) {
      this(name, data, comment, atMillis, null);
    }

    JsonNode json() {
      try {
        return Edge.JSON.readTree(data);
      } catch (Exception e) {
        throw new AssertionError("not JSON: " + data, e);
      }
    }
  }

  record Stream(int status, Map<String, List<String>> headers, List<Event> events, String body) {
    String header(String name) {
      return Edge.header(headers, name);
    }

    List<Event> named(String name) {
      return events.stream().filter(e -> name.equals(e.name())).toList();
    }

    List<Event> comments() {
      return events.stream().filter(e -> e.comment() != null).toList();
    }
  }

  /**
   * POSTs the JSON body asking for an event stream, and reads events until the stream ends or
   * {@code stop} holds for an event (then the connection is closed: the client went away).
   */
  static Stream post(String url, String token, String body, Predicate<Event> stop)
      throws Exception {
    return read(
        HttpRequest.newBuilder(URI.create(url))
            .timeout(Duration.ofSeconds(60))
            .header("Content-Type", "application/json")
            .header("Accept", "text/event-stream")
            .header("Authorization", "Bearer " + token)
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        stop);
  }

  /**
   * GETs an event stream (resumed from {@code lastEventId} when it is not null) and reads events
   * until {@code stop} holds for one.
   */
  static Stream get(String url, String token, String lastEventId, Predicate<Event> stop)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(url))
            .timeout(Duration.ofSeconds(60))
            .header("Accept", "text/event-stream")
            .header("Authorization", "Bearer " + token);
    if (lastEventId != null) {
      request.header("Last-Event-ID", lastEventId);
    }
    return read(request.GET().build(), stop);
  }

  private static Stream read(HttpRequest request, Predicate<Event> stop) throws Exception {
    long started = System.nanoTime();
    HttpResponse<InputStream> response =
        Edge.HTTP.send(request, HttpResponse.BodyHandlers.ofInputStream());
    List<Event> events = new ArrayList<>();
    StringBuilder raw = new StringBuilder();
    if (!response
        .headers()
        .firstValue("Content-Type")
        .orElse("")
        .startsWith("text/event-stream")) { // a problem, refused before any event
      try (InputStream in = response.body()) {
        raw.append(new String(in.readAllBytes(), StandardCharsets.UTF_8));
      }
      return new Stream(response.statusCode(), response.headers().map(), List.of(), raw.toString());
    }
    try (InputStream in = response.body();
        BufferedReader reader =
            new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String name = null;
      String id = null;
      StringBuilder data = null;
      String line;
      while ((line = reader.readLine()) != null) {
        raw.append(line).append('\n');
        long at = (System.nanoTime() - started) / 1_000_000;
        if (line.isEmpty()) {
          if (data != null) {
            Event event = new Event(name == null ? "message" : name, data.toString(), null, at, id);
            events.add(event);
            if (stop.test(event)) {
              break;
            }
          }
          name = null;
          id = null;
          data = null;
        } else if (line.startsWith(":")) {
          Event comment = new Event(null, null, line.substring(1).trim(), at);
          events.add(comment);
          if (stop.test(comment)) {
            break;
          }
        } else if (line.startsWith("event:")) {
          name = line.substring(6).trim();
        } else if (line.startsWith("data:")) {
          String value = line.substring(5);
          value = value.startsWith(" ") ? value.substring(1) : value;
          data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
        } else if (line.startsWith("id:")) {
          id = line.substring(3).trim();
        } else if (!line.startsWith("retry:")) {
          // a browser's EventSource ignores other fields: whatever they carry is lost
          throw new AssertionError("not a field of the server-sent events format: " + line);
        }
      }
    }
    return new Stream(
        response.statusCode(), response.headers().map(), List.copyOf(events), raw.toString());
  }
}
