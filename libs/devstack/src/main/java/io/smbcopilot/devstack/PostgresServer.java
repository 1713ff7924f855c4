package io.smbcopilot.devstack;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * PostgreSQL from the system binaries ({@code /usr/lib/postgresql/<version>/bin}, or {@code
 * COPILOT_PG_BIN}). When we run as root the server runs as the {@code postgres} system user, with a
 * data directory that user owns and can reach.
 */
final class PostgresServer implements Component {
  static final String DATABASE = "copilot";
  static final String SYSTEM_USER = "postgres";
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  private final StackHome home;
  private final Secrets secrets;
  private final Path bin;
  private final Path base;
  private int port;

  PostgresServer(StackHome home, Secrets secrets, int preferredPort) throws Exception {
    this(home, secrets, preferredPort, "embedded".equals(System.getenv("COPILOT_PG_BINARIES")));
  }

  /**
   * @param embedded use the binaries Maven Central ships even when system ones exist
   */
  PostgresServer(StackHome home, Secrets secrets, int preferredPort, boolean embedded)
      throws Exception {
    this.home = home;
    this.secrets = secrets;
    this.base = baseDirectory(home);
    this.bin = embedded ? embeddedBinaries() : systemBinaries().orElseGet(this::embeddedOrFail);
    this.port = preferredPort;
    if (Processes.isRoot()) {
      ensureSystemUser();
    }
  }

  Path binaries() {
    return bin;
  }

  @Override
  public String name() {
    return Names.POSTGRES;
  }

  Path dataDir() {
    return base.resolve("data");
  }

  /**
   * Deletes the cluster when it lives outside the stack home (the /var/tmp fallback): a test stack
   * starts without the last run's data and leaves none behind. Only for a stopped server.
   */
  void removeDataOutsideHome() throws IOException {
    if (!base.startsWith(home.dir())) {
      Supervisor.deleteTree(base);
    }
  }

  Path log() {
    return home.logs().resolve("postgres.log");
  }

  int port() {
    return port;
  }

  String superuserPassword() throws IOException {
    return secrets.get("postgres.superuser.password");
  }

  @Override
  public synchronized void start() throws Exception {
    if (running()) {
      return;
    }
    if (!Files.exists(dataDir().resolve("PG_VERSION"))) {
      initdb();
    }
    port = Net.reuseOrFree(port);
    Files.createDirectories(log().getParent());
    Path serverLog = base.resolve("server.log");
    String options =
        String.join(
            " ",
            "-p " + port,
            "-c listen_addresses=" + Net.LOOPBACK,
            "-c unix_socket_directories=" + base.resolve("run"),
            "-c max_connections=400",
            "-c shared_buffers=128MB",
            "-c synchronous_commit=off");
    Processes.run(
        Processes.asUser(
            SYSTEM_USER,
            List.of(
                bin.resolve("pg_ctl").toString(),
                "-D",
                dataDir().toString(),
                "-l",
                serverLog.toString(),
                "-o",
                options,
                "-w",
                "-t",
                String.valueOf(START_TIMEOUT.toSeconds()),
                "start")),
        Map.of(),
        START_TIMEOUT.plusSeconds(10));
    linkLog(serverLog);
    Processes.await("postgres", START_TIMEOUT, serverLog, () -> Net.accepts(port));
    ensureDatabase(DATABASE, SYSTEM_USER);
  }

  @Override
  public synchronized void stop() throws Exception {
    if (!Files.exists(dataDir().resolve("postmaster.pid"))) {
      return;
    }
    Processes.run(
        Processes.asUser(
            SYSTEM_USER,
            List.of(
                bin.resolve("pg_ctl").toString(),
                "-D",
                dataDir().toString(),
                "-m",
                "fast",
                "-w",
                "-t",
                "60",
                "stop")),
        Map.of(),
        Duration.ofSeconds(70));
  }

  @Override
  public boolean running() {
    Path pidFile = dataDir().resolve("postmaster.pid");
    if (!Files.exists(pidFile)) {
      return false;
    }
    try {
      long pid = Long.parseLong(Files.readAllLines(pidFile).get(0).trim());
      return Processes.alive(pid).isPresent() && Net.accepts(port);
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  @Override
  public Map<String, String> describe() {
    Map<String, String> info = new LinkedHashMap<>();
    info.put("port", String.valueOf(port));
    info.put("jdbc-url", jdbcUrl(DATABASE));
    info.put("data", dataDir().toString());
    info.put("log", base.resolve("server.log").toString());
    info.put("bin", bin.toString());
    return info;
  }

  String jdbcUrl(String database) {
    return "jdbc:postgresql://" + Net.LOOPBACK + ":" + port + "/" + database;
  }

  /**
   * Gives a service its own database role and schema in the shared database (the schema has the
   * role's name, so the default search_path finds its tables). Returns the role's credentials.
   */
  synchronized Map<String, String> provision(String service) throws Exception {
    String role = roleName(service);
    String password = secrets.get("postgres.role." + role + ".password");
    ensureRole(role, password);
    sql(
        DATABASE,
        "REVOKE CREATE ON SCHEMA public FROM PUBLIC",
        "CREATE SCHEMA IF NOT EXISTS " + role + " AUTHORIZATION " + role,
        "GRANT CONNECT ON DATABASE " + DATABASE + " TO " + role);
    Map<String, String> creds = new LinkedHashMap<>();
    creds.put("username", role);
    creds.put("password", password);
    creds.put("schema", role);
    creds.put("jdbc-url", jdbcUrl(DATABASE));
    creds.put("reactive-url", "postgresql://" + Net.LOOPBACK + ":" + port + "/" + DATABASE);
    return creds;
  }

  /** A database owned by a role of the same name (Keycloak keeps its own database). */
  synchronized Map<String, String> provisionDatabase(String name) throws Exception {
    String password = secrets.get("postgres.role." + name + ".password");
    ensureRole(name, password);
    ensureDatabase(name, name);
    return Map.of("username", name, "password", password, "jdbc-url", jdbcUrl(name));
  }

  /** Creates the login role, or sets its password to the stack's when it exists. */
  private void ensureRole(String role, String password) throws Exception {
    String create = "CREATE ROLE " + role + " LOGIN PASSWORD '" + password + "'";
    String alter = "ALTER ROLE " + role + " LOGIN PASSWORD '" + password + "'";
    sql(
        "postgres",
        "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '"
            + role
            + "') THEN "
            + create
            + "; ELSE "
            + alter
            + "; END IF; END $$;");
  }

  static String roleName(String service) {
    String role = service.toLowerCase().replace('-', '_');
    if (!role.matches("[a-z][a-z0-9_]{0,62}")) {
      throw new IllegalArgumentException("not a valid service name: " + service);
    }
    return role;
  }

  void ensureDatabase(String database, String owner) throws Exception {
    if (!sql("postgres", "SELECT 1 FROM pg_database WHERE datname = '" + database + "'")) {
      sql("postgres", "CREATE DATABASE " + database + " OWNER " + owner + " ENCODING 'UTF8'");
    }
  }

  /**
   * Runs statements as the superuser over JDBC (the embedded binaries have no psql).
   *
   * @return whether any statement returned a row
   */
  boolean sql(String database, String... statements) throws Exception {
    DriverManager.setLoginTimeout(10);
    try (Connection connection =
            DriverManager.getConnection(jdbcUrl(database), SYSTEM_USER, superuserPassword());
        Statement statement = connection.createStatement()) {
      boolean row = false;
      for (String sql : statements) {
        if (statement.execute(sql)) {
          try (ResultSet rs = statement.getResultSet()) {
            row |= rs.next();
          }
        }
      }
      return row;
    }
  }

  /** The number a query of one row and column answers, as the superuser. */
  long number(String database, String query) throws Exception {
    DriverManager.setLoginTimeout(10);
    try (Connection connection =
            DriverManager.getConnection(jdbcUrl(database), SYSTEM_USER, superuserPassword());
        Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery(query)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private void initdb() throws Exception {
    Files.createDirectories(base);
    chownToSystemUser(base);
    Path pwFile = base.resolve("initdb.pw");
    Files.writeString(pwFile, superuserPassword() + "\n", StandardCharsets.UTF_8);
    chownToSystemUser(pwFile);
    try {
      Processes.run(
          Processes.asUser(
              SYSTEM_USER,
              List.of(
                  bin.resolve("initdb").toString(),
                  "-D",
                  dataDir().toString(),
                  "-U",
                  SYSTEM_USER,
                  "--pwfile=" + pwFile,
                  "--auth-local=scram-sha-256",
                  "--auth-host=scram-sha-256",
                  "-E",
                  "UTF8",
                  "--locale=C",
                  "--no-sync")),
          Map.of(),
          Duration.ofMinutes(2));
    } finally {
      Files.deleteIfExists(pwFile);
    }
    Path run = base.resolve("run");
    Files.createDirectories(run);
    chownToSystemUser(run);
  }

  private void chownToSystemUser(Path path) throws Exception {
    if (Processes.isRoot()) {
      Processes.run(
          List.of("chown", SYSTEM_USER + ":" + SYSTEM_USER, path.toString()),
          Map.of(),
          Duration.ofSeconds(10));
    }
  }

  private void linkLog(Path serverLog) {
    try {
      Files.deleteIfExists(log());
      Files.createSymbolicLink(log(), serverLog);
    } catch (IOException | UnsupportedOperationException ignored) {
      // the log stays where it is; describe() names it
    }
  }

  /**
   * Where the cluster lives. Under the stack home when the postgres user can reach it; otherwise (a
   * checkout under a root-only folder) under /var/tmp, keyed by the stack home's path.
   */
  private static Path baseDirectory(StackHome home) throws Exception {
    Path preferred = home.dir().resolve("postgres");
    if (!Processes.isRoot()) {
      return preferred;
    }
    Files.createDirectories(home.dir());
    if (reachableBySystemUser(home.dir())) {
      return preferred;
    }
    String key =
        HexFormat.of()
            .formatHex(
                java.security.MessageDigest.getInstance("SHA-256")
                    .digest(home.dir().toString().getBytes(StandardCharsets.UTF_8)))
            .substring(0, 16);
    Path fallback = Path.of("/var/tmp/smb-copilot", key, "postgres");
    Files.createDirectories(fallback.getParent());
    Processes.run(
        List.of("chmod", "755", "/var/tmp/smb-copilot", fallback.getParent().toString()),
        Map.of(),
        Duration.ofSeconds(10));
    return fallback;
  }

  private static boolean reachableBySystemUser(Path dir) {
    try {
      Processes.run(
          List.of("runuser", "-u", SYSTEM_USER, "--", "test", "-x", dir.toString()),
          Map.of(),
          Duration.ofSeconds(10));
      return true;
    } catch (Exception e) {
      return false;
    }
  }

  /** COPILOT_PG_BIN, else the newest /usr/lib/postgresql/<version>/bin with a server. */
  static Optional<Path> systemBinaries() throws IOException {
    String configured = System.getenv("COPILOT_PG_BIN");
    if (configured != null && !configured.isBlank()) {
      return Optional.of(Path.of(configured));
    }
    Path root = Path.of("/usr/lib/postgresql");
    if (!Files.isDirectory(root)) {
      return Optional.empty();
    }
    try (Stream<Path> versions = Files.list(root)) {
      return versions
          .map(v -> v.resolve("bin"))
          .filter(b -> Files.isExecutable(b.resolve("postgres")))
          .max(Comparator.comparingInt(PostgresServer::majorOf));
    }
  }

  private static int majorOf(Path bin) {
    try {
      return Integer.parseInt(bin.getParent().getFileName().toString());
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private Path embeddedOrFail() {
    try {
      return embeddedBinaries();
    } catch (Exception e) {
      throw new IllegalStateException(
          "No PostgreSQL server binaries: none under /usr/lib/postgresql/*/bin, and the ones from"
              + " Maven Central could not be unpacked ("
              + e.getMessage()
              + "). Install them with 'apt-get install -y postgresql', set COPILOT_PG_BIN, or"
              + " build libs/devstack-dist once.",
          e);
    }
  }

  /**
   * The server binaries Maven Central ships (io.zonky.test.postgres, copied to .copilot/dist by
   * libs/devstack-dist), unpacked next to the data directory so the postgres user can reach them.
   */
  Path embeddedBinaries() throws Exception {
    Path dir = home.dist().resolve("postgres-embedded");
    Path jar;
    try (Stream<Path> files = Files.list(dir)) {
      jar =
          files
              .filter(f -> f.getFileName().toString().matches("postgres-.*\\.jar"))
              .findFirst()
              .orElseThrow(() -> new IOException("no postgres-*.jar in " + dir));
    }
    String version = jar.getFileName().toString().replaceAll("^postgres-|\\.jar$", "");
    Path root = base.resolveSibling("postgres-" + version);
    if (!Files.isExecutable(root.resolve("bin").resolve("postgres"))) {
      Files.createDirectories(root);
      Path archive = root.resolve("postgres.txz");
      try (ZipFile zip = new ZipFile(jar.toFile())) {
        ZipEntry entry =
            zip.stream()
                .filter(e -> e.getName().endsWith(".txz"))
                .findFirst()
                .orElseThrow(() -> new IOException("no .txz archive in " + jar));
        try (InputStream in = zip.getInputStream(entry)) {
          Files.copy(in, archive, StandardCopyOption.REPLACE_EXISTING);
        }
      }
      Processes.run(
          List.of("tar", "-xJf", archive.toString(), "-C", root.toString()),
          Map.of(),
          Duration.ofMinutes(2));
      Files.delete(archive);
    }
    return root.resolve("bin");
  }

  /** A machine without Debian's package has no postgres user: the server must not run as root. */
  private static void ensureSystemUser() throws Exception {
    try {
      Processes.run(List.of("id", "-u", SYSTEM_USER), Map.of(), Duration.ofSeconds(10));
    } catch (IOException missing) {
      Processes.run(
          List.of(
              "useradd",
              "--system",
              "--user-group",
              "--home-dir",
              "/nonexistent",
              "--shell",
              "/usr/sbin/nologin",
              SYSTEM_USER),
          Map.of(),
          Duration.ofSeconds(30));
    }
  }
}
