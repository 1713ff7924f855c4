package io.smbcopilot.devstack;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * PostgreSQL from the system binaries ({@code /usr/lib/postgresql/<version>/bin}, or {@code
 * COPILOT_PG_BIN}). When we run as root the server runs as the {@code postgres} system user, with a
 * data directory that user owns and can reach.
 */
final class PostgresServer implements Component {
  static final String DATABASE = "copilot";
  private static final String SYSTEM_USER = "postgres";
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  private final StackHome home;
  private final Secrets secrets;
  private final Path bin;
  private final Path base;
  private int port;

  PostgresServer(StackHome home, Secrets secrets, int preferredPort) throws Exception {
    this.home = home;
    this.secrets = secrets;
    this.bin = findBinaries();
    this.base = baseDirectory(home);
    this.port = preferredPort;
  }

  @Override
  public String name() {
    return Names.POSTGRES;
  }

  Path dataDir() {
    return base.resolve("data");
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
    psql(
        DATABASE,
        "REVOKE CREATE ON SCHEMA public FROM PUBLIC; CREATE SCHEMA IF NOT EXISTS "
            + role
            + " AUTHORIZATION "
            + role
            + "; GRANT CONNECT ON DATABASE "
            + DATABASE
            + " TO "
            + role
            + ";");
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
    psql(
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

  private void ensureDatabase(String database, String owner) throws Exception {
    String exists =
        psql("postgres", "SELECT 1 FROM pg_database WHERE datname = '" + database + "'").trim();
    if (!exists.equals("1")) {
      psql("postgres", "CREATE DATABASE " + database + " OWNER " + owner + " ENCODING 'UTF8'");
    }
  }

  /** Runs SQL as the superuser over TCP; returns unaligned tuples-only output. */
  String psql(String database, String sql) throws Exception {
    return Processes.run(
        List.of(
            bin.resolve("psql").toString(),
            "-X",
            "-q",
            "-A",
            "-t",
            "-v",
            "ON_ERROR_STOP=1",
            "-h",
            Net.LOOPBACK,
            "-p",
            String.valueOf(port),
            "-U",
            SYSTEM_USER,
            "-d",
            database,
            "-c",
            sql),
        Map.of("PGPASSWORD", superuserPassword(), "PGCONNECT_TIMEOUT", "10"),
        Duration.ofSeconds(60));
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

  static Path findBinaries() throws IOException {
    String configured = System.getenv("COPILOT_PG_BIN");
    if (configured != null && !configured.isBlank()) {
      return Path.of(configured);
    }
    Path root = Path.of("/usr/lib/postgresql");
    if (Files.isDirectory(root)) {
      try (Stream<Path> versions = Files.list(root)) {
        List<Path> candidates =
            new ArrayList<>(
                versions
                    .map(v -> v.resolve("bin"))
                    .filter(b -> Files.isExecutable(b.resolve("postgres")))
                    .toList());
        candidates.sort(
            Comparator.comparingInt(
                (Path b) -> {
                  try {
                    return Integer.parseInt(b.getParent().getFileName().toString());
                  } catch (NumberFormatException e) {
                    return 0;
                  }
                }));
        if (!candidates.isEmpty()) {
          return candidates.get(candidates.size() - 1);
        }
      }
    }
    throw new IOException(
        "No PostgreSQL server binaries under /usr/lib/postgresql/*/bin. Install them with"
            + " 'apt-get install -y postgresql' or point COPILOT_PG_BIN at a bin directory.");
  }
}
