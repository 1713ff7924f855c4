package io.smbcopilot.devstack;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Keycloak from the keycloak-quarkus-dist zip, in development mode, with its own database in the
 * devstack's PostgreSQL. Realms under {@code deploy/keycloak/*-realm.json} are imported through the
 * Admin REST API when they are not there yet (the same call a cluster's config job makes).
 */
final class KeycloakServer implements Component {
  static final String VERSION = "26.7.3";
  static final String ADMIN_USER = "admin";
  private static final Duration START_TIMEOUT = Duration.ofMinutes(4);
  private static final Pattern REALM_NAME = Pattern.compile("\"realm\"\\s*:\\s*\"([^\"]+)\"");
  private static final Pattern ACCESS_TOKEN =
      Pattern.compile("\"access_token\"\\s*:\\s*\"([^\"]+)\"");

  private final StackHome home;
  private final Path jdk;
  private final PostgresServer postgres;
  private final Secrets secrets;
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  private int port;
  private int managementPort;
  private final ChildProcess process;
  private final Map<String, String> clientSecrets = new java.util.concurrent.ConcurrentHashMap<>();

  KeycloakServer(
      StackHome home, Path jdk, PostgresServer postgres, Secrets secrets, int preferredPort) {
    this.home = home;
    this.jdk = jdk;
    this.postgres = postgres;
    this.secrets = secrets;
    this.port = preferredPort;
    this.process = new ChildProcess(Names.KEYCLOAK, log(), Duration.ofSeconds(30));
  }

  @Override
  public String name() {
    return Names.KEYCLOAK;
  }

  Path distribution() {
    return home.dist().resolve("keycloak-" + VERSION);
  }

  Path log() {
    return home.logs().resolve("keycloak.log");
  }

  String url() {
    return "http://" + Net.LOOPBACK + ":" + port;
  }

  @Override
  public synchronized void start() throws Exception {
    if (running()) {
      return;
    }
    if (!Files.exists(distribution().resolve("bin").resolve("kc.sh"))) {
      throw new IOException(
          "Keycloak is missing at " + distribution() + ": build libs/devstack-dist once");
    }
    postgres.start();
    Map<String, String> db = postgres.provisionDatabase("keycloak");
    port = Net.reuseOrFree(port);
    managementPort = Net.freePort();
    Files.createDirectories(log().getParent());
    Files.writeString(log(), "");
    Map<String, String> env = new LinkedHashMap<>();
    env.put("JAVA_HOME", jdk.toString());
    env.put("JAVA", jdk.resolve("bin").resolve("java").toString());
    env.put("JAVA_OPTS_KC_HEAP", "-Xms128m -Xmx768m");
    env.put("KC_BOOTSTRAP_ADMIN_USERNAME", ADMIN_USER);
    env.put("KC_BOOTSTRAP_ADMIN_PASSWORD", adminPassword());
    env.put("KC_DB_PASSWORD", db.get("password"));
    process.spawn(
        List.of(
            "bash",
            distribution().resolve("bin").resolve("kc.sh").toString(),
            "start-dev",
            "--http-host=" + Net.LOOPBACK,
            "--http-port=" + port,
            "--http-management-port=" + managementPort,
            "--health-enabled=true",
            "--db=postgres",
            "--db-url=" + db.get("jdbc-url"),
            "--db-username=" + db.get("username"),
            "--cache=local",
            "--log-level=info"),
        env,
        distribution());
    process.awaitReady(START_TIMEOUT, () -> Net.httpOk(managementUrl() + "/health/ready"));
    clientSecrets.clear();
    importRealms();
  }

  String adminPassword() throws IOException {
    return secrets.get("keycloak.admin.password");
  }

  private String managementUrl() {
    return "http://" + Net.LOOPBACK + ":" + managementPort;
  }

  /** Imports each realm file of deploy/keycloak that Keycloak does not know yet. */
  void importRealms() throws Exception {
    Path dir = home.project().resolve("deploy").resolve("keycloak");
    if (!Files.isDirectory(dir)) {
      return;
    }
    List<Path> files;
    try (Stream<Path> list = Files.list(dir)) {
      files =
          list.filter(p -> p.getFileName().toString().endsWith("-realm.json")).sorted().toList();
    }
    if (files.isEmpty()) {
      return;
    }
    String token = adminToken();
    for (Path file : files) {
      String json = Files.readString(file, StandardCharsets.UTF_8);
      Matcher name = REALM_NAME.matcher(json);
      if (!name.find()) {
        throw new IOException("no \"realm\" name in " + file);
      }
      if (Net.httpOk(url() + "/realms/" + name.group(1) + "/.well-known/openid-configuration")) {
        update(token, name.group(1), json);
        continue;
      }
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(URI.create(url() + "/admin/realms"))
                  .header("Authorization", "Bearer " + token)
                  .header("Content-Type", "application/json")
                  .timeout(Duration.ofSeconds(60))
                  .POST(HttpRequest.BodyPublishers.ofString(json))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 201 && response.statusCode() != 409) {
        throw new IOException(
            "importing realm "
                + file
                + " failed: "
                + response.statusCode()
                + " "
                + response.body());
      }
    }
  }

  /**
   * Brings a realm that exists (kept data of an earlier run) up to the file: its settings, then its
   * clients and users by partial import, overwriting what the file names.
   */
  private void update(String token, String realm, String json) throws Exception {
    HttpResponse<String> settings =
        http.send(
            HttpRequest.newBuilder(URI.create(url() + "/admin/realms/" + realm))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(60))
                .PUT(HttpRequest.BodyPublishers.ofString(json))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    String partial = "{\"ifResourceExists\":\"OVERWRITE\"," + json.trim().substring(1);
    HttpResponse<String> imported =
        http.send(
            HttpRequest.newBuilder(URI.create(url() + "/admin/realms/" + realm + "/partialImport"))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofString(partial))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (settings.statusCode() / 100 != 2 || imported.statusCode() / 100 != 2) {
      throw new IOException(
          "updating realm "
              + realm
              + " failed: "
              + settings.statusCode()
              + " / "
              + imported.statusCode()
              + " "
              + imported.body());
    }
  }

  /** The secret Keycloak generated for a confidential client of a realm. */
  String clientSecret(String realm, String clientId) throws Exception {
    String known = clientSecrets.get(realm + "/" + clientId);
    if (known != null) {
      return known;
    }
    String token = adminToken();
    String base = url() + "/admin/realms/" + realm + "/clients";
    String id = clientUuid(token, realm, clientId);
    if (id == null) {
      throw new IOException("client " + clientId + " not found in realm " + realm);
    }
    HttpResponse<String> secret =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/" + id + "/client-secret"))
                .header("Authorization", "Bearer " + token)
                .timeout(Duration.ofSeconds(30))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    Matcher value = Pattern.compile("\"value\"\\s*:\\s*\"([^\"]+)\"").matcher(secret.body());
    if (secret.statusCode() != 200 || !value.find()) {
      throw new IOException("no secret for client " + clientId + ": " + secret.statusCode());
    }
    clientSecrets.put(realm + "/" + clientId, value.group(1));
    return value.group(1);
  }

  /** The internal id of a realm's client, by its client id; null when the realm has none. */
  private String clientUuid(String token, String realm, String clientId) throws Exception {
    HttpResponse<String> clients =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(
                        url()
                            + "/admin/realms/"
                            + realm
                            + "/clients?clientId="
                            + URLEncoder.encode(clientId, StandardCharsets.UTF_8)))
                .header("Authorization", "Bearer " + token)
                .timeout(Duration.ofSeconds(30))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    Matcher id = Pattern.compile("\"id\"\\s*:\\s*\"([^\"]+)\"").matcher(clients.body());
    return clients.statusCode() == 200 && id.find() ? id.group(1) : null;
  }

  /**
   * Lets browser pages at these origins call the realm's endpoints (the token endpoint, from the
   * dashboard the gateway serves): the client's web origins become {@code +} (its redirect URIs)
   * and these. The realm file cannot name them: the devstack's ports are chosen at each start.
   */
  void allowWebOrigins(String realm, String clientId, java.util.Collection<String> origins)
      throws Exception {
    String token = adminToken();
    String base = url() + "/admin/realms/" + realm + "/clients";
    String id = clientUuid(token, realm, clientId);
    if (id == null) {
      return; // a realm without the dashboard's client: nothing to allow
    }
    StringBuilder list = new StringBuilder("[\"+\"");
    for (String origin : origins) {
      list.append(",\"").append(origin).append('"');
    }
    HttpResponse<String> updated =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/" + id))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(30))
                .PUT(HttpRequest.BodyPublishers.ofString("{\"webOrigins\":" + list + "]}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (updated.statusCode() / 100 != 2) {
      throw new IOException(
          "web origins of " + clientId + ": " + updated.statusCode() + " " + updated.body());
    }
  }

  /**
   * An admin token of the master realm. Retried for a while: right after PostgreSQL came back,
   * Keycloak answers 500 until its connection pool has replaced the broken connections.
   */
  private String adminToken() throws Exception {
    IOException last = null;
    for (int attempt = 0; attempt < 20; attempt++) {
      try {
        return adminTokenOnce();
      } catch (IOException e) {
        last = e;
        Thread.sleep(1000);
      }
    }
    throw last;
  }

  private String adminTokenOnce() throws Exception {
    String form =
        "grant_type=password&client_id=admin-cli&username="
            + ADMIN_USER
            + "&password="
            + URLEncoder.encode(adminPassword(), StandardCharsets.UTF_8);
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(url() + "/realms/master/protocol/openid-connect/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(form))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    Matcher token = ACCESS_TOKEN.matcher(response.body());
    if (response.statusCode() != 200 || !token.find()) {
      throw new IOException(
          "Keycloak admin login failed: " + response.statusCode() + " " + response.body());
    }
    return token.group(1);
  }

  @Override
  public synchronized void stop() {
    process.stop();
  }

  @Override
  public boolean running() {
    return process.alive() && Net.accepts(port);
  }

  @Override
  public Map<String, String> describe() {
    Map<String, String> info = new LinkedHashMap<>();
    info.put("port", String.valueOf(port));
    info.put("url", url());
    info.put("management-url", managementUrl());
    info.put("admin-user", ADMIN_USER);
    info.put("pid", String.valueOf(process.pid()));
    info.put("log", log().toString());
    return info;
  }
}
