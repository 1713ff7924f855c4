package io.smbcopilot.edge;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smbcopilot.testing.webhooks.WebhookReceiver;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Bad input for the whole API, derived from the merged OpenAPI document the gateway serves: every
 * operation gets malformed, wrongly typed, oversized and boundary values in its body, its path, its
 * query and its headers, with a valid token of a tenant that owns one of everything the paths name.
 * No answer is a 5xx; every error is {@code application/problem+json} with its status and a title;
 * and when every request of an operation was refused, the platform's rows of the tenant (every
 * table of every schema with a {@code tenant_id}) and the count of tenants are as they were.
 */
class ApiFuzzTest {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final String LONG = "a".repeat(100_001);

  /** One request of the fuzz: what it tries, and how. */
  record Probe(String label, String path, String query, Map<String, String> headers, Body body) {}

  record Body(String contentType, byte[] bytes) {
    static Body json(String text) {
      return new Body("application/json", text.getBytes(StandardCharsets.UTF_8));
    }
  }

  private final AtomicInteger emails = new AtomicInteger();

  @Test
  void everyOperationRefusesBadInputWithAProblemAndChangesNothing() throws Exception {
    Edge edge = Edge.get();
    String mark = UUID.randomUUID().toString().substring(0, 8);
    Edge.User owner = edge.signup("Fuzz Bakery " + mark);
    edge.plan(owner.tenantId(), "unlimited"); // thousands of requests: no rate limit
    Tokens tokens = new Tokens(edge, owner);
    try (WebhookReceiver receiver = new WebhookReceiver()) {
      Map<String, String> ids = fixtures(edge, owner, receiver, mark);
      JsonNode api = edge.call("GET", "/api/v1/openapi.json", null, null).json();

      List<String> failures = new ArrayList<>();
      Map<String, Integer> statuses = new TreeMap<>();
      int operations = 0;
      int probes = 0;
      int accepted = 0;
      int checkedUnchanged = 0;
      List<String> skipped = new ArrayList<>();
      Duration settle = Duration.ofSeconds(2);
      for (Iterator<Map.Entry<String, JsonNode>> paths = api.get("paths").fields();
          paths.hasNext(); ) {
        Map.Entry<String, JsonNode> path = paths.next();
        for (Iterator<Map.Entry<String, JsonNode>> methods = path.getValue().fields();
            methods.hasNext(); ) {
          Map.Entry<String, JsonNode> method = methods.next();
          String verb = method.getKey().toUpperCase(java.util.Locale.ROOT);
          JsonNode operation = method.getValue();
          String name = verb + " " + path.getKey();
          if (streams(operation)) {
            skipped.add(name + " (an event stream: it answers until the client leaves)");
            continue;
          }
          List<Probe> batch = probes(api, verb, path.getKey(), operation, ids);
          if (batch.isEmpty()) {
            continue;
          }
          operations++;
          long started = System.nanoTime();
          // after requests that were taken, what they set off (a run's steps) must end first
          String before = stable(edge, owner.tenantId(), settle);
          int acceptedHere = 0;
          for (Probe probe : batch) {
            probes++;
            HttpResponse<String> response;
            try {
              response = send(edge, verb, probe, tokens.get());
            } catch (AssertionError noAnswer) {
              failures.add(name + " " + probe.label() + ": no answer, " + noAnswer.getMessage());
              continue;
            }
            int status = response.statusCode();
            statuses.merge(status / 100 + "xx", 1, Integer::sum);
            String problem = problem(response);
            if (status >= 500) {
              failures.add(
                  name + " " + probe.label() + ": " + status + " " + clip(response.body()));
            } else if (status >= 400 && problem != null) {
              failures.add(name + " " + probe.label() + ": " + status + " " + problem);
            } else if (status < 400) {
              acceptedHere++;
            }
          }
          accepted += acceptedHere;
          settle = acceptedHere > 0 ? Duration.ofSeconds(2) : Duration.ZERO;
          System.out.printf(
              "fuzz: %s: %d requests, %d accepted, %.1f s%n",
              name, batch.size(), acceptedHere, (System.nanoTime() - started) / 1e9);
          if (acceptedHere == 0) {
            checkedUnchanged++;
            String after = before;
            try {
              Awaitility.await()
                  .atMost(Duration.ofSeconds(5))
                  .pollInterval(Duration.ofMillis(200))
                  .until(() -> fingerprint(edge, owner.tenantId()).equals(before));
            } catch (org.awaitility.core.ConditionTimeoutException e) {
              after = fingerprint(edge, owner.tenantId());
              failures.add(name + ": refused every request, yet changed " + diff(before, after));
            }
          }
        }
      }
      System.out.printf(
          "fuzz: %d operations, %d requests (%s), %d accepted (a boundary value that is valid),"
              + " %d operations refused everything and changed nothing; skipped %s%n",
          operations, probes, statuses, accepted, checkedUnchanged, skipped);
      failures.forEach(f -> System.out.println("fuzz: FAILED " + f));
      assertThat(failures).as("answers that broke the promise").isEmpty();
      assertThat(operations).isGreaterThan(70);
    }
  }

  // ---- the tenant's things, whose ids the paths take ----

  private Map<String, String> fixtures(
      Edge edge, Edge.User owner, WebhookReceiver receiver, String mark) throws Exception {
    Map<String, String> ids = new LinkedHashMap<>();
    String token = owner.token();
    ids.put(
        "collections",
        created(edge.call("POST", "/api/v1/collections", token, "{\"name\":\"fuzz-" + mark + "\"}"))
            .get("id")
            .asText());
    ids.put(
        "documents",
        CopilotAcceptanceTest.uploadIndexed(
            edge, owner, "fuzz.md", "# Fuzz\n\nThe fuzz loaf bakes for 33 minutes.\n"));
    ids.put(
        "conversations",
        CopilotAcceptanceTest.ask(edge, token, "How long does the fuzz loaf bake?")
            .get("conversationId")
            .asText());
    ids.put(
        "api-keys",
        created(
                edge.call(
                    "POST",
                    "/api/v1/api-keys",
                    token,
                    "{\"name\":\"fuzz\",\"scopes\":[\"search\"]}"))
            .get("id")
            .asText());
    Edge.User member = edge.invite(owner, "member");
    ids.put("members", member.userId());
    ids.put(
        "invitations",
        created(
                edge.call(
                    "POST",
                    "/api/v1/members",
                    token,
                    "{\"email\":\"invited-" + mark + "@fuzz.test\",\"role\":\"member\"}"))
            .get("id")
            .asText());
    ids.put("roles", "member");
    String workflow =
        WorkflowsAcceptanceTest.create(edge, owner, WorkflowsAcceptanceTest.DEFINITION);
    ids.put("workflows", workflow);
    ids.put("versions", "1");
    ids.put("runs", WorkflowsAcceptanceTest.run(edge, owner, workflow).get("id").asText());
    String webhook =
        created(
                edge.call(
                    "POST",
                    "/api/v1/webhooks",
                    token,
                    "{\"url\":\"" + receiver.url("/fuzz") + "\"}"))
            .get("endpoint")
            .get("id")
            .asText();
    ids.put("webhooks", webhook);
    Edge.Response test = edge.call("POST", "/api/v1/webhooks/" + webhook + "/test", token, null);
    assertThat(test.status()).as(test.body()).isEqualTo(202);
    ids.put("deliveries", test.json().get("id").asText());
    Awaitility.await()
        .alias("the run's notification")
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                edge.call("GET", "/api/v1/notifications", token, null).json().get("items").size()
                    > 0);
    ids.put(
        "notifications",
        edge.call("GET", "/api/v1/notifications", token, null)
            .json()
            .get("items")
            .get(0)
            .get("id")
            .asText());
    ids.put(
        "workflow-templates",
        edge.call("GET", "/api/v1/workflow-templates", token, null)
            .json()
            .findValue("id")
            .asText());
    return ids;
  }

  private static JsonNode created(Edge.Response r) {
    assertThat(r.status()).as(r.body()).isBetween(200, 201);
    return r.json();
  }

  // ---- the probes of one operation ----

  private List<Probe> probes(
      JsonNode api, String verb, String template, JsonNode operation, Map<String, String> ids) {
    List<Probe> probes = new ArrayList<>();
    List<JsonNode> parameters = new ArrayList<>();
    operation.path("parameters").forEach(p -> parameters.add(resolve(api, p)));
    JsonNode content = operation.path("requestBody").path("content");
    boolean hasBody = content.size() > 0;
    // the tenant's own things in the path, except where the request could change them with no
    // body to refuse (a DELETE, a POST .../cancel): those get only wrong ids
    boolean realIds = hasBody || "GET".equals(verb);
    String path = path(template, ids, null, null, realIds);

    for (JsonNode p : parameters) {
      String name = p.get("name").asText();
      switch (p.get("in").asText()) {
        case "path" -> {
          for (String bad : List.of("not-an-id", "0", "-1", "a".repeat(300), "%FF", "null")) {
            probes.add(
                new Probe(
                    "path " + name + "=" + clip(bad),
                    path(template, ids, name, bad, realIds),
                    "",
                    Map.of(),
                    hasBody ? example(api, content) : null));
          }
          probes.add(
              new Probe(
                  "path " + name + " unknown",
                  path(template, ids, name, UUID.randomUUID().toString(), realIds),
                  "",
                  Map.of(),
                  hasBody ? example(api, content) : null));
        }
        case "query" -> {
          for (String bad :
              List.of("abc", "-1", "0", "99999999999999999999", "1.5", "a".repeat(10_000), "")) {
            probes.add(
                new Probe(
                    "query " + name + "=" + clip(bad),
                    path,
                    "?" + name + "=" + URLEncoder.encode(bad, StandardCharsets.UTF_8),
                    Map.of(),
                    hasBody ? example(api, content) : null));
          }
        }
        case "header" -> {
          if (name.equalsIgnoreCase("Last-Event-ID")) {
            continue;
          }
          for (String bad : List.of("a".repeat(10_000), "not-a-value", "-1")) {
            probes.add(
                new Probe(
                    "header " + name + "=" + clip(bad),
                    path,
                    "",
                    Map.of(name, bad),
                    hasBody ? example(api, content) : null));
          }
        }
        default -> {}
      }
    }
    if (!hasBody) {
      return probes;
    }
    JsonNode json = content.path("application/json").path("schema");
    if (json.isMissingNode()) {
      // an upload or a signed hook: JSON where something else is due, and garbage with its type
      String type = content.fieldNames().next();
      probes.add(new Probe("a JSON body instead of " + type, path, "", Map.of(), Body.json("{}")));
      probes.add(
          new Probe(
              "garbage as " + type,
              path,
              "",
              Map.of(),
              new Body(type, "\u0000\u0001garbage--".getBytes(StandardCharsets.UTF_8))));
      probes.add(new Probe("no body", path, "", Map.of(), new Body(type, new byte[0])));
      return probes;
    }
    JsonNode schema = resolve(api, json);
    JsonNode base = example(api, schema, 0);
    probes.add(
        new Probe(
            "a text body",
            path,
            "",
            Map.of(),
            new Body("text/plain", base.toString().getBytes(StandardCharsets.UTF_8))));
    for (String bad : List.of("{\"a\":", "[]", "\"text\"", "42", "null", "", "{}")) {
      probes.add(new Probe("body " + clip(bad), path, "", Map.of(), Body.json(bad)));
    }
    probes.add(
        new Probe(
            "a 3 MB body",
            path,
            "",
            Map.of(),
            Body.json("{\"x\":\"" + "a".repeat(3 * 1024 * 1024) + "\"}")));
    if (base.isObject()) {
      ObjectNode unknown = base.deepCopy();
      unknown.put("fuzzUnknown", 1);
      probes.add(new Probe("an unknown field", path, "", Map.of(), Body.json(unknown.toString())));
      for (Iterator<Map.Entry<String, JsonNode>> fields = schema.path("properties").fields();
          fields.hasNext(); ) {
        Map.Entry<String, JsonNode> field = fields.next();
        JsonNode property = resolve(api, field.getValue());
        for (JsonNode bad : wrongs(property)) {
          ObjectNode body = ((ObjectNode) base).deepCopy();
          body.set(field.getKey(), bad);
          probes.add(
              new Probe(
                  "body " + field.getKey() + "=" + clip(bad.toString()),
                  path,
                  "",
                  Map.of(),
                  Body.json(body.toString())));
        }
      }
    }
    return probes;
  }

  private Body example(JsonNode api, JsonNode content) {
    JsonNode json = content.path("application/json").path("schema");
    return json.isMissingNode() ? null : Body.json(example(api, resolve(api, json), 0).toString());
  }

  /** The path with the tenant's ids (or random ones), one parameter replaced by {@code bad}. */
  private static String path(
      String template, Map<String, String> ids, String name, String bad, boolean realIds) {
    StringBuilder out = new StringBuilder();
    String previous = "";
    for (String segment : template.substring(1).split("/")) {
      out.append('/');
      if (segment.startsWith("{")) {
        String parameter = segment.substring(1, segment.length() - 1);
        String value;
        if (parameter.equals(name)) {
          value = bad.startsWith("%") ? bad : URLEncoder.encode(bad, StandardCharsets.UTF_8);
        } else {
          String id = realIds ? ids.get(previous) : null;
          value = id != null ? id : UUID.randomUUID().toString();
        }
        out.append(value);
      } else {
        out.append(segment);
      }
      previous = segment;
    }
    return out.toString();
  }

  /** A value the schema allows, as plain as can be. */
  private JsonNode example(JsonNode api, JsonNode schema, int depth) {
    schema = resolve(api, schema);
    if (schema.has("enum")) {
      return schema.get("enum").get(0);
    }
    String type = type(schema);
    switch (type) {
      case "string":
        String format = schema.path("format").asText();
        if (format.equals("uuid")) {
          return NODES.textNode(UUID.randomUUID().toString());
        }
        if (format.equals("date-time")) {
          return NODES.textNode(Instant.now().plus(Duration.ofDays(30)).toString());
        }
        if (format.equals("date")) {
          return NODES.textNode(LocalDate.now().toString());
        }
        return NODES.textNode("fuzz-" + emails.incrementAndGet() + "@fuzz.test");
      case "integer":
        return NODES.numberNode(Math.max(1, schema.path("minimum").asLong(1)));
      case "number":
        return NODES.numberNode(1.0);
      case "boolean":
        return NODES.booleanNode(true);
      case "array":
        return NODES.arrayNode();
      case "object":
        ObjectNode object = NODES.objectNode();
        if (depth < 3) {
          for (JsonNode required : schema.path("required")) {
            JsonNode property = schema.path("properties").path(required.asText());
            object.set(
                required.asText(),
                property.isMissingNode()
                    ? NODES.textNode("fuzz")
                    : example(api, property, depth + 1));
          }
        }
        return object;
      default:
        return NODES.textNode("fuzz");
    }
  }

  /** Wrong types and boundary values for a property of this schema. */
  private static List<JsonNode> wrongs(JsonNode schema) {
    List<JsonNode> bad = new ArrayList<>();
    bad.add(NODES.nullNode());
    switch (type(schema)) {
      case "string" -> {
        bad.add(NODES.numberNode(12345));
        bad.add(NODES.booleanNode(true));
        bad.add(NODES.objectNode().put("a", 1));
        bad.add(NODES.arrayNode().add("a"));
        bad.add(NODES.textNode(""));
        bad.add(NODES.textNode(" "));
        bad.add(NODES.textNode(LONG));
        bad.add(NODES.textNode("\u0000"));
        bad.add(NODES.textNode("not-a-" + schema.path("format").asText("value")));
      }
      case "integer", "number" -> {
        bad.add(NODES.textNode("abc"));
        bad.add(NODES.numberNode(1.5));
        bad.add(NODES.numberNode(-1));
        bad.add(NODES.numberNode(0));
        bad.add(NODES.numberNode(2147483648L));
        bad.add(NODES.numberNode(new java.math.BigInteger("99999999999999999999999")));
        bad.add(NODES.numberNode(new java.math.BigDecimal("1e400")));
      }
      case "boolean" -> {
        bad.add(NODES.textNode("yes"));
        bad.add(NODES.numberNode(1));
      }
      case "array" -> {
        bad.add(NODES.textNode("x"));
        bad.add(NODES.objectNode().put("a", 1));
        bad.add(NODES.arrayNode().addNull());
        bad.add(NODES.arrayNode().add(NODES.objectNode()));
        ArrayNode many = NODES.arrayNode();
        for (int i = 0; i < 10_001; i++) {
          many.add("a" + i);
        }
        bad.add(many);
      }
      default -> {
        bad.add(NODES.textNode("x"));
        bad.add(NODES.arrayNode().add(1));
      }
    }
    return bad;
  }

  private static String type(JsonNode schema) {
    JsonNode type = schema.path("type");
    if (type.isArray()) {
      for (JsonNode t : type) {
        if (!t.asText().equals("null")) {
          return t.asText();
        }
      }
    }
    if (type.isTextual()) {
      return type.asText();
    }
    return schema.has("properties") ? "object" : "";
  }

  /** The schema a {@code $ref} names (a parameter's too), and {@code allOf} merged. */
  private static JsonNode resolve(JsonNode api, JsonNode node) {
    JsonNode resolved = node;
    while (resolved.has("$ref")) {
      JsonNode target = api;
      for (String part : resolved.get("$ref").asText().substring(2).split("/")) {
        target = target.path(part);
      }
      // siblings of a $ref (3.1) add to it
      ObjectNode merged = ((ObjectNode) target).deepCopy();
      resolved
          .fields()
          .forEachRemaining(
              f -> {
                if (!f.getKey().equals("$ref")) {
                  merged.set(f.getKey(), f.getValue());
                }
              });
      resolved = merged;
    }
    if (resolved.has("allOf")) {
      ObjectNode merged = NODES.objectNode();
      ObjectNode properties = NODES.objectNode();
      ArrayNode required = NODES.arrayNode();
      for (JsonNode part : resolved.get("allOf")) {
        JsonNode p = resolve(api, part);
        merged.setAll((ObjectNode) p);
        if (p.has("properties")) {
          properties.setAll((ObjectNode) p.get("properties"));
        }
        p.path("required").forEach(required::add);
      }
      merged.remove("allOf");
      merged.set("properties", properties);
      merged.set("required", required);
      merged.put("type", "object");
      resolved = merged;
    }
    return resolved;
  }

  private static boolean streams(JsonNode operation) {
    for (JsonNode response : operation.path("responses")) {
      if (response.path("content").has("text/event-stream")) {
        return true;
      }
    }
    return false;
  }

  // ---- sending, and what an answer must be ----

  private static HttpResponse<String> send(Edge edge, String verb, Probe probe, String token) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(edge.gateway + probe.path() + probe.query()))
            .timeout(Duration.ofSeconds(60))
            .header("Authorization", "Bearer " + token)
            .header("Accept", "application/json")
            .method(
                verb,
                probe.body() == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(probe.body().bytes()));
    if (probe.body() != null) {
      request.header("Content-Type", probe.body().contentType());
    }
    probe.headers().forEach(request::header);
    try {
      return Edge.HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new AssertionError(verb + " " + probe.path() + " " + probe.label() + ": " + e, e);
    }
  }

  /** What is wrong with an error answer as a problem; null when nothing is. */
  private static String problem(HttpResponse<String> response) {
    String type = response.headers().firstValue("Content-Type").orElse("");
    if (!type.startsWith("application/problem+json")) {
      return "not a problem (" + type + "): " + clip(response.body());
    }
    try {
      JsonNode problem = Edge.JSON.readTree(response.body());
      if (problem.path("status").asInt() != response.statusCode()) {
        return "a problem with status " + problem.path("status");
      }
      if (problem.path("title").asText().isBlank()) {
        return "a problem without a title";
      }
      return null;
    } catch (Exception e) {
      return "not JSON: " + clip(response.body());
    }
  }

  private static String clip(String text) {
    String oneLine = text.replaceAll("\\s+", " ");
    return oneLine.length() > 60 ? oneLine.substring(0, 60) + "…(" + text.length() + ")" : oneLine;
  }

  // ---- what the platform holds of the tenant ----

  /**
   * A digest of each table's rows of the tenant, in every schema, with the number of tenants;
   * outbox and inbox rows come and go with the relay, and the audit log records refusals.
   */
  private static String fingerprint(Edge edge, String tenantId) throws Exception {
    try (Connection c = edge.superuser("copilot")) {
      List<String> tables = new ArrayList<>();
      try (var s = c.createStatement();
          ResultSet r =
              s.executeQuery(
                  "SELECT table_schema, table_name FROM information_schema.columns"
                      + " WHERE column_name = 'tenant_id' AND table_schema NOT IN"
                      + " ('pg_catalog', 'information_schema') AND table_name NOT IN"
                      + " ('outbox_event', 'inbox_event', 'audit_event')"
                      + " ORDER BY 1, 2")) {
        while (r.next()) {
          tables.add("\"" + r.getString(1) + "\".\"" + r.getString(2) + "\"");
        }
      }
      StringBuilder sql =
          new StringBuilder("SELECT 'tenants', count(*)::text FROM auth_service.tenant");
      for (String table : tables) {
        sql.append(" UNION ALL SELECT '")
            .append(table.replace("'", "''"))
            .append("', md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), ''))")
            .append(" FROM ")
            .append(table)
            .append(" x WHERE tenant_id::text = ?");
      }
      try (PreparedStatement s = c.prepareStatement(sql.toString())) {
        for (int i = 1; i <= tables.size(); i++) {
          s.setString(i, tenantId);
        }
        StringBuilder out = new StringBuilder();
        try (ResultSet r = s.executeQuery()) {
          while (r.next()) {
            out.append(r.getString(1)).append('=').append(r.getString(2)).append('\n');
          }
        }
        return out.toString();
      }
    }
  }

  /**
   * The fingerprint once it has not changed for {@code quiet} (and two readings in a row agree):
   * what earlier requests set off has settled.
   */
  private static String stable(Edge edge, String tenantId, Duration quiet) {
    String[] last = {""};
    long[] since = {System.nanoTime()};
    Awaitility.await()
        .alias("the tenant's rows settle")
        .atMost(Duration.ofSeconds(180))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              String now = fingerprint(edge, tenantId);
              if (busy(edge, tenantId)) {
                last[0] = "";
                return false;
              }
              if (!now.equals(last[0])) {
                last[0] = now;
                since[0] = System.nanoTime();
                return false;
              }
              return System.nanoTime() - since[0] >= quiet.toNanos();
            });
    return last[0];
  }

  /** Whether a run of the tenant is still going or a webhook message still to be delivered. */
  private static boolean busy(Edge edge, String tenantId) throws Exception {
    try (Connection c = edge.superuser("copilot");
        PreparedStatement s =
            c.prepareStatement(
                "SELECT (SELECT count(*) FROM workflow_worker.workflow_run"
                    + " WHERE tenant_id::text = ? AND status = 'running')"
                    + " + (SELECT count(*) FROM notifications_service.webhook_message"
                    + " WHERE tenant_id::text = ? AND status = 'pending')"
                    + " + (SELECT count(*) FROM workflow_worker.tenant_export"
                    + " WHERE tenant_id::text = ? AND status = 'building')"
                    + " + (SELECT count(*) FROM workflow_worker.outbox_event"
                    + " WHERE tenant_id = ?)")) {
      for (int i = 1; i <= 4; i++) {
        s.setString(i, tenantId);
      }
      try (ResultSet r = s.executeQuery()) {
        r.next();
        return r.getLong(1) > 0;
      }
    }
  }

  private static String diff(String before, String after) {
    List<String> was = List.of(before.split("\n"));
    List<String> changed = new ArrayList<>();
    for (String line : after.split("\n")) {
      if (!was.contains(line)) {
        changed.add(line.substring(0, line.indexOf('=')));
      }
    }
    return changed.toString();
  }

  /** The owner's token, taken again every minute (they live five). */
  private static final class Tokens {
    private final Edge edge;
    private final Edge.User owner;
    private String token;
    private long at;

    Tokens(Edge edge, Edge.User owner) {
      this.edge = edge;
      this.owner = owner;
      this.token = owner.token();
      this.at = System.nanoTime();
    }

    String get() {
      if (System.nanoTime() - at > Duration.ofMinutes(1).toNanos()) {
        token = edge.password(owner.email(), Edge.PASSWORD);
        at = System.nanoTime();
      }
      return token;
    }
  }
}
