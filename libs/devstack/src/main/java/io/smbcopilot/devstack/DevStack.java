package io.smbcopilot.devstack;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Client of a stack's supervisor: finds the running one (or starts it) and asks it to start, stop
 * or describe servers. Every test module and the launcher go through here, so each server starts at
 * most once per build and modules reuse the running stack.
 */
public final class DevStack {
  private static final Duration SUPERVISOR_START = Duration.ofSeconds(30);
  private static final Duration CALL_TIMEOUT = Duration.ofMinutes(6);
  private static final Duration BACKUP_TIMEOUT = Duration.ofMinutes(60);

  private final StackHome home;
  private final String controlUrl;
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  private DevStack(StackHome home, String controlUrl) {
    this.home = home;
    this.controlUrl = controlUrl;
  }

  public StackHome home() {
    return home;
  }

  /**
   * The stack for tests ({@code .copilot/test}), owned by the running Maven build: started fresh by
   * the first module that needs it, reused by the others, stopped when the build ends.
   */
  public static DevStack forTests(Collection<String> components) throws Exception {
    StackHome home = StackHome.of(Path.of(""), "test");
    DevStack stack = attachOrStart(home, buildOwnerPid(), true);
    for (String component : components) {
      stack.start(component);
    }
    return stack;
  }

  /** The running stack in {@code home}, if its supervisor answers. */
  public static Optional<DevStack> attach(StackHome home) {
    Map<String, String> state = Supervisor.readState(home.stateFile());
    String url = state.get("control.url");
    long pid = parseLong(state.get("supervisor.pid"));
    if (url == null || Processes.alive(pid).isEmpty()) {
      return Optional.empty();
    }
    DevStack stack = new DevStack(home, url);
    try {
      stack.call("/status", Map.of(), Duration.ofSeconds(5));
      return Optional.of(stack);
    } catch (Exception e) {
      return Optional.empty();
    }
  }

  /**
   * Attaches to the stack's supervisor, or starts one (a detached JVM) when none runs. A file lock
   * keeps two JVMs from starting two supervisors for the same folder.
   *
   * @param ownerPid the supervisor stops everything when this process ends (0: never)
   * @param fresh a newly started supervisor wipes the previous run's data first
   */
  public static DevStack attachOrStart(StackHome home, long ownerPid, boolean fresh)
      throws Exception {
    return attachOrStart(home, ownerPid, fresh, Map.of());
  }

  /**
   * {@link #attachOrStart(StackHome, long, boolean)}, the supervisor started with these environment
   * variables on top of this process's, which every server and service it starts inherits (a
   * benchmark's second stack with another setting, for instance). An attached supervisor keeps its
   * own.
   */
  public static DevStack attachOrStart(
      StackHome home, long ownerPid, boolean fresh, Map<String, String> environment)
      throws Exception {
    Files.createDirectories(home.dir());
    try (FileChannel channel =
            FileChannel.open(
                home.dir().resolve("supervisor.lock"),
                StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
        FileLock ignored = channel.lock()) {
      Optional<DevStack> running = attach(home);
      if (running.isPresent()) {
        return running.get();
      }
      Files.deleteIfExists(home.stateFile());
      Path classes = copySupervisorClasses(home);
      List<String> command = new ArrayList<>();
      if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
        command.add("/usr/bin/setsid");
      }
      command.addAll(
          List.of(
              Jdk.home().resolve("bin").resolve("java").toString(),
              "-Xmx96m",
              "-XX:+UseSerialGC",
              "-cp",
              classes + java.io.File.pathSeparator + home.dist().resolve("jdbc/postgresql.jar"),
              Supervisor.class.getName(),
              "--project",
              home.project().toString(),
              "--stack",
              home.dir().getFileName().toString(),
              "--owner-pid",
              String.valueOf(ownerPid),
              "--fresh",
              String.valueOf(fresh)));
      Path log = home.dir().resolve("supervisor.log");
      Files.writeString(log, "");
      Process process = Processes.spawn(command, environment, home.project(), log);
      long deadline = System.nanoTime() + SUPERVISOR_START.toNanos();
      while (System.nanoTime() < deadline) {
        if (!process.isAlive()) {
          throw new IOException("the devstack supervisor exited" + Processes.tail(log));
        }
        Optional<DevStack> started = attach(home);
        if (started.isPresent()) {
          return started.get();
        }
        Thread.sleep(100);
      }
      process.destroyForcibly();
      throw new IOException("the devstack supervisor did not answer" + Processes.tail(log));
    }
  }

  /**
   * The supervisor runs from a private copy of these classes, so that a {@code mvn clean} while it
   * runs cannot pull its code away.
   */
  private static Path copySupervisorClasses(StackHome home) throws Exception {
    Path source =
        Path.of(DevStack.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    Path target = home.dir().resolve("supervisor-classes");
    Supervisor.deleteTree(target);
    Files.createDirectories(target);
    if (Files.isDirectory(source)) {
      try (Stream<Path> walk = Files.walk(source)) {
        for (Path p : walk.toList()) {
          Path dest = target.resolve(source.relativize(p).toString());
          if (Files.isDirectory(p)) {
            Files.createDirectories(dest);
          } else {
            Files.copy(p, dest, StandardCopyOption.REPLACE_EXISTING);
          }
        }
      }
      return target;
    }
    Path jar = target.resolve("devstack.jar");
    Files.copy(source, jar, StandardCopyOption.REPLACE_EXISTING);
    return jar;
  }

  /** The Maven JVM that runs this build (the surefire fork's ancestor), else this JVM. */
  static long buildOwnerPid() {
    ProcessHandle current = ProcessHandle.current();
    Optional<ProcessHandle> parent = current.parent();
    while (parent.isPresent()) {
      ProcessHandle handle = parent.get();
      String cmd = handle.info().commandLine().orElse("");
      if (cmd.contains("org.codehaus.plexus.classworlds") || cmd.contains("maven.home")) {
        return handle.pid();
      }
      parent = handle.parent();
    }
    return current.pid();
  }

  public Map<String, String> start(String component) throws Exception {
    return call("/start", Map.of("component", component), CALL_TIMEOUT);
  }

  public Map<String, String> stop(String component) throws Exception {
    return call("/stop", Map.of("component", component), CALL_TIMEOUT);
  }

  public Map<String, String> status() throws Exception {
    return call("/status", Map.of(), Duration.ofSeconds(30));
  }

  /** A database role and schema of the service's own in the shared database. */
  public Map<String, String> provision(String service) throws Exception {
    return call("/provision", Map.of("service", service), CALL_TIMEOUT);
  }

  public Map<String, String> startApps() throws Exception {
    return call("/apps/start", Map.of(), CALL_TIMEOUT);
  }

  /** A second instance of a running service; its url is under {@code app.<service>-2.url}. */
  public Map<String, String> startReplica(String service) throws Exception {
    return call("/apps/replica", Map.of("service", service), CALL_TIMEOUT);
  }

  /**
   * An instance of a running service from another build (its {@code quarkus-run.jar}), with the
   * same settings; its url is under {@code app.<name>.url}.
   */
  public Map<String, String> startReplica(String service, String name, java.nio.file.Path jar)
      throws Exception {
    return call(
        "/apps/replica",
        Map.of("service", service, "name", name, "jar", jar.toAbsolutePath().toString()),
        CALL_TIMEOUT);
  }

  /** The secret Keycloak generated for a confidential client of the copilot realm. */
  public String keycloakClientSecret(String clientId) throws Exception {
    return call("/keycloak/client-secret", Map.of("client", clientId), CALL_TIMEOUT).get("secret");
  }

  /**
   * Backs the platform's data up into an empty folder: both databases as pg_dump archives, the
   * embedded index, and a manifest of every file's SHA-256 (answered).
   */
  public Map<String, String> backup(java.nio.file.Path dir) throws Exception {
    return call("/backup", Map.of("dir", dir.toAbsolutePath().toString()), BACKUP_TIMEOUT);
  }

  /**
   * Restores a backup after checking it against its manifest (a damaged one changes nothing): stops
   * the services and Keycloak, replaces both databases and the index, starts everything. Answers
   * the manifest with {@code restore-seconds}.
   */
  public Map<String, String> restore(java.nio.file.Path dir) throws Exception {
    return call("/restore", Map.of("dir", dir.toAbsolutePath().toString()), BACKUP_TIMEOUT);
  }

  /**
   * Rebuilds the embedded search index from the documents' saved chunks and waits until every
   * document is in it again. Answers {@code documents} (indexed) and {@code seconds}.
   */
  public Map<String, String> reindexAll() throws Exception {
    return call("/reindex", Map.of(), BACKUP_TIMEOUT);
  }

  /** Stops one service gracefully; {@link #startApps()} starts it again. */
  public Map<String, String> stopApp(String service) throws Exception {
    return call("/apps/stop", Map.of("service", service), CALL_TIMEOUT);
  }

  /** Stops every server and the supervisor, and waits until its process is gone. */
  public void shutdown(Duration timeout) throws Exception {
    long pid = parseLong(Supervisor.readState(home.stateFile()).get("supervisor.pid"));
    try {
      call("/shutdown", Map.of(), Duration.ofSeconds(10));
    } catch (IOException e) {
      // it may close the connection while it stops
    }
    Optional<ProcessHandle> handle = Processes.alive(pid);
    if (handle.isPresent()) {
      try {
        handle.get().onExit().get(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
      } catch (java.util.concurrent.TimeoutException e) {
        handle.get().destroyForcibly();
      }
    }
  }

  public String kafkaBootstrapServers() throws Exception {
    return status().get("kafka.bootstrap-servers");
  }

  private Map<String, String> call(String path, Map<String, String> params, Duration timeout)
      throws Exception {
    StringBuilder uri = new StringBuilder(controlUrl).append(path);
    char sep = '?';
    for (Map.Entry<String, String> e : params.entrySet()) {
      uri.append(sep)
          .append(e.getKey())
          .append('=')
          .append(URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8));
      sep = '&';
    }
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create(uri.toString()))
                .timeout(timeout)
                .POST(HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IOException("devstack " + path + ": " + response.body().trim());
    }
    return Supervisor.parse(response.body());
  }

  private static long parseLong(String value) {
    try {
      return value == null ? -1 : Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
