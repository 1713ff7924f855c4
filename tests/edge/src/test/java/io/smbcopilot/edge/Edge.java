package io.smbcopilot.edge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smbcopilot.devstack.DevStack;
import io.smbcopilot.security.InternalToken;
import io.smbcopilot.security.InternalTokenSigner;
import java.io.Reader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

/**
 * The platform for the edge tests: the test devstack with Keycloak, the five packaged services and
 * a second gateway replica; HTTP, Keycloak and database helpers.
 */
final class Edge {
  static final ObjectMapper JSON = new ObjectMapper();
  // HTTP/1.1, as Prometheus and the services' own clients speak: the JDK's default, HTTP/2, asks
  // plain-text servers to upgrade (h2c), and once took a large metrics answer for HTTP/2 frames
  // ("Frame type(110) length(6516597) exceeds MAX_FRAME_SIZE")
  static final HttpClient HTTP =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(3))
          .build();
  static final String PASSWORD = "Edge-Test-Passw0rd";

  private static Edge instance;

  final DevStack stack;
  final Map<String, String> state;
  final String gateway;
  final String gateway2;
  final String keycloak;

  record Response(int status, Map<String, List<String>> headers, String body) {
    JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (Exception e) {
        throw new AssertionError("not JSON (" + status + "): " + body, e);
      }
    }

    String header(String name) {
      return Edge.header(headers, name);
    }
  }

  /** A header's first value, its name in any case. */
  static String header(Map<String, List<String>> headers, String name) {
    return headers.entrySet().stream()
        .filter(e -> e.getKey().equalsIgnoreCase(name))
        .map(e -> e.getValue().get(0))
        .findFirst()
        .orElse(null);
  }

  record User(String userId, String tenantId, String email, String token) {}

  private Edge(DevStack stack, boolean secondGateway) throws Exception {
    this.stack = stack;
    long started = System.nanoTime();
    Map<String, String> all = stack.startApps();
    if (secondGateway) {
      all = stack.startReplica("api-gateway");
    }
    System.out.printf(
        "edge: services%s of %s ready in %.1f s%n",
        secondGateway ? " and a second gateway" : "",
        stack.home().project(),
        (System.nanoTime() - started) / 1e9);
    state = all;
    gateway = all.get("app.api-gateway.url");
    gateway2 = all.get("app.api-gateway-2.url");
    keycloak = all.get("keycloak.url");
    // Another module may have restarted PostgreSQL under Keycloak: wait until it signs in again.
    org.awaitility.Awaitility.await()
        .alias("Keycloak signs the admin in")
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofSeconds(1))
        .ignoreExceptions()
        .until(
            () -> {
              adminToken();
              return true;
            });
  }

  static synchronized Edge get() throws Exception {
    if (instance == null) {
      instance = new Edge(DevStack.forTests(List.of("postgres", "kafka", "keycloak")), true);
    }
    return instance;
  }

  /**
   * The platform of another checkout (an older commit, built), on a stack of its own in that
   * checkout's {@code .copilot/bench} (its own PostgreSQL, Kafka and Keycloak on free ports),
   * stopped when this JVM ends: benchmarks run it beside this one to print before and after in one
   * run.
   */
  static Edge of(java.nio.file.Path checkout) throws Exception {
    return of(checkout, "bench", Map.of());
  }

  /**
   * The platform of a checkout on a stack of its own named {@code stack}, its services started with
   * these environment variables too (this checkout with another setting, for instance).
   */
  static Edge of(java.nio.file.Path checkout, String stackName, Map<String, String> environment)
      throws Exception {
    DevStack stack =
        DevStack.attachOrStart(
            io.smbcopilot.devstack.StackHome.of(checkout, stackName),
            ProcessHandle.current().pid(),
            true,
            environment);
    for (String component : List.of("postgres", "kafka", "keycloak")) {
      stack.start(component);
    }
    return new Edge(stack, false);
  }

  String url(String service) {
    return state.get("app." + service + ".url");
  }

  /** The sum of a metric's samples (all its tags) in the service's Prometheus metrics. */
  double metric(String service, String name) {
    return send("GET", url(service) + "/q/metrics", null)
        .body()
        .lines()
        .filter(l -> l.startsWith(name + "{") || l.startsWith(name + " "))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .sum();
  }

  // ---- HTTP ----

  static Response send(String method, String url, String body, String... headers) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(url))
            .timeout(Duration.ofSeconds(30))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    for (int i = 0; i + 1 < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    try {
      HttpResponse<String> response =
          HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
      return new Response(response.statusCode(), response.headers().map(), response.body());
    } catch (Exception e) {
      throw new AssertionError(method + " " + url + " failed: " + e, e);
    }
  }

  Response call(String method, String path, String token, String body) {
    return token == null
        ? send(method, gateway + path, body)
        : send(method, gateway + path, body, "Authorization", "Bearer " + token);
  }

  // ---- Keycloak ----

  String password(String email, String password) {
    return password("copilot-cli", email, password);
  }

  String password(String client, String email, String password) {
    return passwordGrant("copilot", client, email, password);
  }

  /** The master-realm admin's password, which the devstack generated. */
  String adminPassword() throws Exception {
    Properties secrets = new Properties();
    try (Reader reader = Files.newBufferedReader(stack.home().secretsFile())) {
      secrets.load(reader);
    }
    return secrets.getProperty("keycloak.admin.password");
  }

  /** A connection to one of the stack's databases (copilot, keycloak) as PostgreSQL's superuser. */
  Connection superuser(String database) throws Exception {
    Properties secrets = new Properties();
    try (Reader reader = Files.newBufferedReader(stack.home().secretsFile())) {
      secrets.load(reader);
    }
    return DriverManager.getConnection(
        "jdbc:postgresql://127.0.0.1:" + state.get("postgres.port") + "/" + database,
        "postgres",
        secrets.getProperty("postgres.superuser.password"));
  }

  /** A master-realm admin token. */
  String adminToken() throws Exception {
    return passwordGrant("master", "admin-cli", "admin", adminPassword());
  }

  private String passwordGrant(String realm, String client, String user, String password) {
    String form =
        "grant_type=password&client_id="
            + client
            + "&username="
            + URLEncoder.encode(user, StandardCharsets.UTF_8)
            + "&password="
            + URLEncoder.encode(password, StandardCharsets.UTF_8);
    try {
      HttpResponse<String> response =
          HTTP.send(
              HttpRequest.newBuilder(
                      URI.create(keycloak + "/realms/" + realm + "/protocol/openid-connect/token"))
                  .header("Content-Type", "application/x-www-form-urlencoded")
                  .POST(HttpRequest.BodyPublishers.ofString(form))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new IllegalStateException(
            "password grant on " + realm + "/" + client + " failed: " + response.body());
      }
      return JSON.readTree(response.body()).get("access_token").asText();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  // ---- the platform's own flows ----

  /** A new tenant and its owner, signed in. */
  User signup(String name) {
    String email = "owner-" + UUID.randomUUID().toString().substring(0, 8) + "@edge.test";
    Response r =
        call(
            "POST",
            "/api/v1/signup",
            null,
            "{\"tenantName\":\""
                + name
                + "\",\"email\":\""
                + email
                + "\",\"password\":\""
                + PASSWORD
                + "\",\"displayName\":\"Owner of "
                + name
                + "\"}");
    if (r.status() != 201) {
      throw new AssertionError("sign-up failed: " + r.status() + " " + r.body());
    }
    JsonNode body = r.json();
    return new User(
        body.get("userId").asText(),
        body.get("tenantId").asText(),
        email,
        password(email, PASSWORD));
  }

  /** Invites a person with the role; they accept and sign in. */
  User invite(User by, String role) {
    String email = role + "-" + UUID.randomUUID().toString().substring(0, 8) + "@edge.test";
    Response invited =
        call(
            "POST",
            "/api/v1/members",
            by.token(),
            "{\"email\":\"" + email + "\",\"role\":\"" + role + "\"}");
    if (invited.status() != 201) {
      throw new AssertionError("invite failed: " + invited.status() + " " + invited.body());
    }
    String token = invited.json().get("acceptToken").asText();
    Response accepted =
        call(
            "POST",
            "/api/v1/invitations/accept",
            null,
            "{\"token\":\""
                + token
                + "\",\"password\":\""
                + PASSWORD
                + "\",\"displayName\":\"A "
                + role
                + "\"}");
    if (accepted.status() != 201) {
      throw new AssertionError("accept failed: " + accepted.status() + " " + accepted.body());
    }
    JsonNode body = accepted.json();
    return new User(
        body.get("userId").asText(),
        body.get("tenantId").asText(),
        email,
        password(email, PASSWORD));
  }

  /** A webhook endpoint of the owner's tenant for documents being indexed, at this URL. */
  void indexedWebhook(User owner, String url) {
    Response endpoint =
        call(
            "POST",
            "/api/v1/webhooks",
            owner.token(),
            "{\"url\":\"" + url + "\",\"eventTypes\":[\"io.smbcopilot.document.indexed.v1\"]}");
    if (endpoint.status() != 201) {
      throw new AssertionError("the webhook endpoint was not made: " + endpoint.body());
    }
  }

  /** A new API key of the owner's tenant with these scopes: its secret. */
  String apiKey(User owner, String scopes) {
    return call(
            "POST",
            "/api/v1/api-keys",
            owner.token(),
            "{\"name\":\"bench\",\"scopes\":[" + scopes + "]}")
        .json()
        .get("secret")
        .asText();
  }

  /** Each service's database, as the stack's supervisor provisioned it. */
  private final Map<String, Map<String, String>> databases =
      new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * A connection to the service's database. The supervisor is asked once per service: it answers
   * after a restart under way, which a test polling the database during a kill must not wait for.
   */
  Connection database(String service) throws Exception {
    Map<String, String> db = databases.get(service);
    if (db == null) {
      db = stack.provision(service);
      databases.put(service, db);
    }
    return DriverManager.getConnection(db.get("jdbc-url"), db.get("username"), db.get("password"));
  }

  /**
   * Returns once the clock has reached the time (epoch ms): the pace of a test's or a benchmark's
   * own actions (one start every 25 ms, say), waited for like any other effect.
   */
  static void reach(long epochMillis) {
    long left = epochMillis - System.currentTimeMillis();
    if (left <= 0) {
      return;
    }
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofMillis(left + 5_000))
        .pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofMillis(Math.max(1, Math.min(left, 10))))
        .until(() -> System.currentTimeMillis() >= epochMillis);
  }

  /** One number a query in a service's own schema answers ({@code SELECT count(*) ...}). */
  long number(String service, String sql, Object... parameters) throws Exception {
    try (Connection c = database(service);
        PreparedStatement s = c.prepareStatement(sql)) {
      for (int i = 0; i < parameters.length; i++) {
        s.setObject(
            i + 1,
            parameters[i] instanceof java.util.Collection<?> many
                ? c.createArrayOf("text", many.toArray())
                : parameters[i]);
      }
      try (java.sql.ResultSet r = s.executeQuery()) {
        r.next();
        return r.getLong(1);
      }
    }
  }

  /** Changes a tenant's plan in auth-service's own schema (no API for it yet). */
  void plan(String tenantId, String plan) throws Exception {
    try (Connection c = database("auth-service");
        PreparedStatement s = c.prepareStatement("UPDATE tenant SET plan = ? WHERE id = ?::uuid")) {
      s.setString(1, plan);
      s.setString(2, tenantId);
      if (s.executeUpdate() != 1) {
        throw new AssertionError("no tenant " + tenantId);
      }
    }
  }

  /**
   * A signer whose key is registered in the gateway's shared key table, as a gateway replica's
   * would be: tokens it signs are what a gateway would send, so tests and benchmarks can call the
   * services directly.
   */
  InternalTokenSigner registeredSigner() throws Exception {
    InternalTokenSigner signer = new InternalTokenSigner(60);
    try (Connection c = database("api-gateway");
        PreparedStatement s =
            c.prepareStatement(
                "INSERT INTO signing_key (kid, algorithm, public_jwk) VALUES (?, ?, ?::jsonb)")) {
      s.setString(1, signer.keyId());
      s.setString(2, InternalToken.ALGORITHM);
      s.setString(3, signer.publicJwk());
      s.executeUpdate();
    }
    return signer;
  }
}
