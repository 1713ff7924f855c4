package io.smbcopilot.devstack;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Reader;
import java.io.StringWriter;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

/**
 * The process that owns one stack's servers. It starts them on request, writes what runs where to
 * the stack's state file, answers a small control API on loopback, and stops everything when it is
 * told to, when it receives SIGTERM/SIGINT, or when its owner process (the Maven build for tests)
 * has ended. One supervisor per stack folder: every client reuses it.
 */
public final class Supervisor {
  private final StackHome home;
  private final long ownerPid;
  private final Path jdk;
  private final Secrets secrets;
  private final PostgresServer postgres;
  private final KafkaServer kafka;
  private final SmtpServer smtp;
  private final KeycloakServer keycloak;
  private final PrometheusServer prometheus;

  /** The origins of this stack's gateways, which serve the dashboard. */
  private final java.util.Set<String> dashboardOrigins = new java.util.TreeSet<>();

  private final Apps apps;
  private final Map<String, Component> components = new LinkedHashMap<>();
  private final AtomicBoolean stopped = new AtomicBoolean();
  private final boolean fresh;
  private HttpServer control;

  /**
   * @param fresh a test stack: it starts from no data and, when it stops, leaves none outside the
   *     checkout
   */
  Supervisor(StackHome home, long ownerPid, boolean fresh) throws Exception {
    this.home = home;
    this.ownerPid = ownerPid;
    this.fresh = fresh;
    this.jdk = Jdk.home();
    Map<String, String> previous = readState(home.stateFile());
    this.secrets = new Secrets(home.secretsFile());
    this.postgres = new PostgresServer(home, secrets, port(previous, "postgres.port"));
    this.kafka = new KafkaServer(home, jdk, port(previous, "kafka.port"));
    this.smtp = new SmtpServer(home, jdk, port(previous, "smtp.port"));
    this.keycloak =
        new KeycloakServer(home, jdk, postgres, secrets, port(previous, "keycloak.port"));
    Map<String, Integer> appPorts = new HashMap<>();
    for (String service : Apps.SERVICES) {
      int p = port(previous, "app." + service + ".port");
      if (p > 0) {
        appPorts.put(service, p);
      }
    }
    this.apps = new Apps(home, jdk, appPorts);
    this.prometheus =
        new PrometheusServer(
            home,
            service -> apps.alive(service) ? apps.url(service) : null,
            port(previous, "prometheus.port"));
    for (Component c : List.of(postgres, kafka, smtp, keycloak, prometheus)) {
      components.put(c.name(), c);
    }
    if (fresh) {
      postgres.removeDataOutsideHome();
    }
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> options = new HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    }
    Path project = Path.of(options.getOrDefault("project", "."));
    String stack = options.getOrDefault("stack", "dev");
    long owner = Long.parseLong(options.getOrDefault("owner-pid", "0"));
    StackHome home = StackHome.of(project, stack);
    boolean fresh = Boolean.parseBoolean(options.getOrDefault("fresh", "false"));
    if (fresh) {
      wipe(home);
    }
    Supervisor supervisor = new Supervisor(home, owner, fresh);
    Runtime.getRuntime().addShutdownHook(new Thread(supervisor::stopAll, "devstack-shutdown"));
    supervisor.serve();
    String start = options.getOrDefault("start", "");
    if (!start.isBlank()) {
      for (String name : start.split(",")) {
        supervisor.startComponent(name.trim());
      }
    }
    if (Boolean.parseBoolean(options.getOrDefault("apps", "false"))) {
      supervisor.startApps();
    }
    supervisor.watchOwner();
    Thread.currentThread().join();
  }

  private void serve() throws IOException {
    control = HttpServer.create(new InetSocketAddress(Net.LOOPBACK, 0), 16);
    control.setExecutor(Executors.newSingleThreadExecutor());
    control.createContext("/", this::handle);
    control.start();
    writeState();
  }

  private void handle(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
    int status = 200;
    String body;
    try {
      body =
          switch (path) {
            case "/status" -> format(state());
            case "/start" -> {
              startComponent(query.get("component"));
              yield format(state());
            }
            case "/stop" -> {
              stopComponent(query.get("component"));
              yield format(state());
            }
            case "/provision" -> {
              postgres.start();
              yield format(postgres.provision(query.get("service")));
            }
            case "/apps/start" -> {
              startApps();
              yield format(state());
            }
            case "/apps/stop" -> {
              String service = query.get("service");
              if (service == null) {
                apps.stopAll();
              } else {
                apps.stop(service);
              }
              writeState();
              yield format(state());
            }
            case "/keycloak/client-secret" -> {
              startComponent(Names.KEYCLOAK);
              yield format(Map.of("secret", keycloak.clientSecret("copilot", query.get("client"))));
            }
            case "/apps/replica" -> {
              String name =
                  query.get("jar") == null
                      ? apps.startReplica(query.get("service"))
                      : apps.startReplica(
                          query.get("service"), query.get("name"), Path.of(query.get("jar")));
              apps.awaitReady(name);
              if (name.startsWith("api-gateway")) {
                allowDashboardOrigin(apps.url(name));
              }
              writeState();
              yield format(state());
            }
            case "/backup" -> {
              postgres.start();
              yield format(new Backups(home, postgres).backup(Path.of(query.get("dir"))));
            }
            case "/restore" -> format(restore(Path.of(query.get("dir"))));
            case "/reindex" -> format(reindexAll());
            case "/shutdown" -> {
              Thread.ofPlatform().start(() -> System.exit(0));
              yield "stopping\n";
            }
            default -> {
              status = 404;
              yield "unknown path " + path + "\n";
            }
          };
    } catch (Exception e) {
      status = 500;
      body = e.getClass().getSimpleName() + ": " + e.getMessage() + "\n";
      log("request " + path + " failed: " + body);
    }
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "text/plain; charset=utf-8");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  synchronized void startComponent(String name) throws Exception {
    Component component = component(name);
    log("starting " + name);
    component.start();
    log(name + " ready: " + component.describe());
    writeState();
  }

  synchronized void stopComponent(String name) throws Exception {
    Component component = component(name);
    log("stopping " + name);
    component.stop();
    writeState();
  }

  /**
   * Restores a backup ({@link Backups}): checks it first, then stops the services and Keycloak,
   * gives every role its schema or database (a new cluster has none), restores, and starts
   * everything again; a backup without the index gets it rebuilt ({@link #reindexAll}). Answers the
   * manifest with the seconds it took.
   */
  synchronized Map<String, String> restore(Path dir) throws Exception {
    Map<String, String> manifest = Backups.verify(dir);
    long started = System.nanoTime();
    log("restoring " + dir);
    apps.stopAll();
    stopComponent(Names.KEYCLOAK);
    postgres.start();
    // the roles first (a new cluster has none: the dumps name them as owners)
    postgres.ensureDatabase(PostgresServer.DATABASE, PostgresServer.SYSTEM_USER);
    for (String service : Apps.SERVICES) {
      postgres.provision(service);
    }
    postgres.provisionDatabase("keycloak");
    new Backups(home, postgres).restore(dir, manifest);
    startApps();
    if (!Backups.hasIndex(dir)) {
      // a backup without the index (the chart's CronJob makes such): rebuilt from the chunks
      manifest.put("reindexed-documents", reindexAll().get("documents"));
    }
    manifest.put("restore-seconds", String.format("%.1f", (System.nanoTime() - started) / 1e9));
    log("restored " + dir + " in " + manifest.get("restore-seconds") + " s");
    return manifest;
  }

  /**
   * Rebuilds the embedded search index from the documents' saved chunks (no original is read
   * again): stops ingestion-service, deletes its index, starts it with {@code
   * COPILOT_INGESTION_INDEX_REBUILD=true} (an empty index while documents are indexed is rebuilt at
   * start) and waits until no document is being embedded. Answers how many documents are indexed
   * and the seconds it took.
   */
  synchronized Map<String, String> reindexAll() throws Exception {
    String service = "ingestion-service";
    if (!apps.alive(service)) {
      startApps();
    }
    long started = System.nanoTime();
    log("reindex: rebuilding the index of " + service + " from the documents' saved chunks");
    apps.stop(service);
    deleteTree(apps.index(service));
    apps.startAgain(service, Map.of("COPILOT_INGESTION_INDEX_REBUILD", "true"));
    writeState();
    apps.awaitReady(service);
    long deadline = System.nanoTime() + Duration.ofMinutes(55).toNanos();
    while (postgres.sql(
        PostgresServer.DATABASE,
        "SELECT 1 FROM ingestion_service.document WHERE status = 'embedding' LIMIT 1")) {
      if (System.nanoTime() > deadline) {
        throw new IOException("documents are still being embedded after 55 minutes: see its log");
      }
      Thread.sleep(500);
    }
    long documents =
        postgres.number(
            PostgresServer.DATABASE,
            "SELECT count(*) FROM ingestion_service.document WHERE status = 'indexed'");
    String seconds = String.format("%.1f", (System.nanoTime() - started) / 1e9);
    log("reindex: " + documents + " documents indexed again in " + seconds + " s");
    return Map.of("documents", String.valueOf(documents), "seconds", seconds);
  }

  /** Builds nothing: starts the services that ./copilot built, once their dependencies run. */
  synchronized void startApps() throws Exception {
    for (String name : List.of(Names.POSTGRES, Names.KAFKA, Names.SMTP, Names.KEYCLOAK)) {
      startComponent(name);
    }
    apps.assignPorts();
    allowDashboardOrigin(apps.url("api-gateway"));
    for (String service : Apps.SERVICES) {
      Map<String, String> db = postgres.provision(service);
      Map<String, String> env = new LinkedHashMap<>();
      env.put("QUARKUS_DATASOURCE_USERNAME", db.get("username"));
      env.put("QUARKUS_DATASOURCE_PASSWORD", db.get("password"));
      env.put("QUARKUS_DATASOURCE_JDBC_URL", db.get("jdbc-url"));
      env.put("QUARKUS_DATASOURCE_REACTIVE_URL", db.get("reactive-url"));
      env.put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
      env.put("COPILOT_KEYCLOAK_URL", keycloak.url());
      env.put("COPILOT_SMTP_HOST", Net.LOOPBACK);
      env.put("COPILOT_SMTP_PORT", smtp.describe().get("port"));
      // The gateway's keys are reloaded every 30 s (10 min by default): the edge tests, the fault
      // drill above all, then meet reloads while a gateway or the database is away.
      env.put("COPILOT_SECURITY_JWKS_MAX_AGE", "30s");
      if (service.equals("workflow-worker")
          || service.equals("notifications-service")
          || service.equals("auth-service")) {
        // Tenants' secrets (provider keys, webhook signing secrets, invitation tokens on their way
        // to the invitation mail) are encrypted with it; one deployment secret, generated once per
        // stack (its name is older than its second user).
        env.put("COPILOT_SECRETS_ENCRYPTION_KEY", secrets.get("workflow-worker.encryption-key"));
      }
      if (service.equals("notifications-service")) {
        // The developer's own webhook receivers run on loopback, without TLS.
        env.put("COPILOT_WEBHOOKS_ALLOWED_HOSTS", "127.0.0.1,localhost");
        env.put("COPILOT_WEBHOOKS_ALLOW_HTTP", "true");
        // Links in mails (the dashboard, unsubscribing) lead to this stack's gateway.
        env.put("COPILOT_PUBLIC_URL", apps.url("api-gateway"));
      }
      if (service.equals("workflow-worker")) {
        // On a developer's machine the operator is the developer: a model server on loopback (an
        // Ollama at localhost:11434, the tests' provider stubs) may be a tenant's base URL.
        env.put("COPILOT_ANSWERER_ALLOWED_HOSTS", "127.0.0.1,localhost");
        // and so may a workflow's http step (a receiver the developer runs, over http)
        env.put("COPILOT_WORKFLOWS_HTTP_ALLOWED_HOSTS", "127.0.0.1,localhost");
        // A killed worker's steps go to another within 10 s (a minute by default).
        env.put("COPILOT_WORKFLOWS_LEASE", "PT10S");
        // A plan with a monthly budget of 1,000 tokens, to see a tenant over its budget (the edge
        // tests put a tenant on it; no tenant has it otherwise).
        env.put("COPILOT_USAGE_PLAN_BUDGETS_TINY", "1000");
        // Its service account, to ask the gateway for a workflow owner's token.
        env.put(
            "COPILOT_WORKFLOWS_CLIENT_SECRET", keycloak.clientSecret("copilot", "workflow-worker"));
      }
      if (service.equals("auth-service")) {
        env.put(
            "COPILOT_KEYCLOAK_ADMIN_CLIENT_SECRET",
            keycloak.clientSecret("copilot", "auth-service"));
        // On a developer's machine a tenant's erasure is done 30 s after it is asked (14 days by
        // default), looked for every 5 s.
        env.put("COPILOT_TENANT_ERASURE_GRACE", "PT30S");
        env.put("COPILOT_TENANT_ERASURE_CHECK", "5s");
      }
      log("starting " + service);
      apps.start(service, env);
    }
    writeState();
    for (String service : Apps.SERVICES) {
      apps.awaitReady(service);
      log(service + " ready at " + apps.url(service));
    }
    writeState();
  }

  /** The dashboard, served by each gateway of this stack, may sign in from its origin. */
  private void allowDashboardOrigin(String gatewayUrl) throws Exception {
    int port = java.net.URI.create(gatewayUrl).getPort();
    dashboardOrigins.add("http://" + Net.LOOPBACK + ":" + port);
    dashboardOrigins.add("http://localhost:" + port);
    keycloak.allowWebOrigins("copilot", "copilot-dashboard", dashboardOrigins);
  }

  private Component component(String name) {
    Component component = components.get(name);
    if (component == null) {
      throw new IllegalArgumentException(
          "unknown component '" + name + "'; known: " + components.keySet());
    }
    return component;
  }

  /** Stops the services first, then the servers in reverse start order. */
  void stopAll() {
    if (!stopped.compareAndSet(false, true)) {
      return;
    }
    log("stopping the stack");
    apps.stopAll();
    List<Component> reverse = List.of(prometheus, keycloak, smtp, kafka, postgres);
    for (Component c : reverse) {
      try {
        c.stop();
      } catch (Exception e) {
        log("stopping " + c.name() + " failed: " + e.getMessage());
      }
    }
    if (fresh) {
      try {
        postgres.removeDataOutsideHome();
      } catch (Exception e) {
        log("removing postgres data failed: " + e.getMessage());
      }
    }
    if (control != null) {
      control.stop(0);
    }
    try {
      Files.deleteIfExists(home.stateFile());
    } catch (IOException ignored) {
      // nothing left to tell
    }
    log("stack stopped");
  }

  private void watchOwner() {
    if (ownerPid <= 0) {
      return;
    }
    Thread.ofPlatform()
        .daemon()
        .name("owner-watch")
        .start(
            () -> {
              ProcessHandle.of(ownerPid).ifPresent(h -> h.onExit().join());
              log("owner process " + ownerPid + " ended");
              System.exit(0);
            });
  }

  Map<String, String> state() {
    Map<String, String> state = new TreeMap<>();
    state.put("supervisor.pid", String.valueOf(ProcessHandle.current().pid()));
    state.put("owner.pid", String.valueOf(ownerPid));
    state.put("control.url", "http://" + Net.LOOPBACK + ":" + control.getAddress().getPort());
    state.put("project", home.project().toString());
    state.put("home", home.dir().toString());
    for (Component c : components.values()) {
      boolean running = c.running();
      state.put(c.name() + ".status", running ? "running" : "stopped");
      c.describe().forEach((k, v) -> state.put(c.name() + "." + k, v));
    }
    state.putAll(apps.describe());
    return state;
  }

  private synchronized void writeState() throws IOException {
    Properties props = new Properties();
    props.putAll(state());
    Path tmp = home.stateFile().resolveSibling("state.properties.tmp");
    try (Writer writer = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
      props.store(writer, "written by the devstack supervisor");
    }
    Files.move(
        tmp, home.stateFile(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  static Map<String, String> readState(Path file) {
    Map<String, String> map = new HashMap<>();
    if (!Files.exists(file)) {
      return map;
    }
    Properties props = new Properties();
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      props.load(reader);
    } catch (IOException e) {
      return map;
    }
    props.forEach((k, v) -> map.put(k.toString(), v.toString()));
    return map;
  }

  static String format(Map<String, String> values) {
    StringWriter out = new StringWriter();
    new TreeMap<>(values).forEach((k, v) -> out.append(k).append('=').append(v).append('\n'));
    return out.toString();
  }

  static Map<String, String> parse(String text) {
    Map<String, String> map = new LinkedHashMap<>();
    for (String line : text.split("\n")) {
      int eq = line.indexOf('=');
      if (eq > 0) {
        map.put(line.substring(0, eq), line.substring(eq + 1));
      }
    }
    return map;
  }

  private static int port(Map<String, String> state, String key) {
    try {
      return Integer.parseInt(state.getOrDefault(key, "0"));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> map = new HashMap<>();
    if (raw == null) {
      return map;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        map.put(
            URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    return map;
  }

  /** A fresh test stack: removes the previous run's data (never used for the dev stack). */
  private static void wipe(StackHome home) throws IOException {
    for (String sub : List.of("postgres", "kafka", "logs", "tmp", "state.properties")) {
      deleteTree(home.dir().resolve(sub));
    }
  }

  static void deleteTree(Path path) throws IOException {
    if (!Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(path)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  private static void log(String message) {
    System.out.println("[devstack " + java.time.LocalTime.now().withNano(0) + "] " + message);
    System.out.flush();
  }
}
