package io.smbcopilot.devstack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The five platform services, run in JVM mode from their quarkus-app folders. */
final class Apps {
  static final List<String> SERVICES = Names.SERVICES;
  private static final Duration READY_TIMEOUT = Duration.ofMinutes(2);

  private final StackHome home;
  private final Path jdk;
  private final Map<String, ChildProcess> processes = new ConcurrentHashMap<>();
  private final Map<String, Integer> ports = new ConcurrentHashMap<>();
  private final Map<String, Map<String, String>> environments = new ConcurrentHashMap<>();

  Apps(StackHome home, Path jdk, Map<String, Integer> preferredPorts) {
    this.home = home;
    this.jdk = jdk;
    this.ports.putAll(preferredPorts);
  }

  Path jar(String service) {
    return home.project()
        .resolve("services")
        .resolve(service)
        .resolve("target")
        .resolve("quarkus-app")
        .resolve("quarkus-run.jar");
  }

  Path log(String service) {
    return home.logs().resolve(service + ".log");
  }

  String url(String service) {
    return "http://" + Net.LOOPBACK + ":" + ports.get(service);
  }

  /** Assigns every service its port first, so each can be told where the others are. */
  void assignPorts() {
    for (String service : SERVICES) {
      if (!alive(service)) {
        ports.put(service, Net.reuseOrFree(ports.getOrDefault(service, 0)));
      }
    }
  }

  void start(String service, Map<String, String> env) throws IOException {
    environments.put(service, Map.copyOf(env));
    launch(service, service, env);
  }

  /**
   * Starts a service that was stopped again, with the settings it had and {@code extra} besides,
   * this once (a later {@link #start} or replica does not keep them).
   */
  void startAgain(String service, Map<String, String> extra) throws IOException {
    Map<String, String> env = environments.get(service);
    if (env == null) {
      throw new IOException(service + " was never started: start the services first");
    }
    Map<String, String> all = new LinkedHashMap<>(env);
    all.putAll(extra);
    launch(service, service, all);
  }

  /** The folder of an instance's embedded index. */
  Path index(String name) {
    return home.dir().resolve("index").resolve(name);
  }

  /**
   * A second instance of a running service ({@code <service>-2}), with the same settings on a port
   * of its own: two gateway replicas, for instance.
   *
   * @return the instance's name
   */
  String startReplica(String service) throws IOException {
    return startReplica(service, service + "-2", jar(service));
  }

  /**
   * Another instance of a running service under a name of its own, from another build of it (the
   * {@code quarkus-run.jar} of an older checkout, say), with the same settings: benchmarks compare
   * two builds side by side with it.
   */
  String startReplica(String service, String name, Path jar) throws IOException {
    Map<String, String> env = environments.get(service);
    if (env == null) {
      throw new IOException(service + " is not running: start the services first");
    }
    if (!alive(name)) {
      // a replica started again keeps its port when it can: who knew its address still reaches it
      Integer before = ports.get(name);
      ports.put(name, before == null ? Net.freePort() : Net.reuseOrFree(before));
    }
    launch(name, jar, env);
    return name;
  }

  private void launch(String name, String service, Map<String, String> env) throws IOException {
    launch(name, jar(service), env);
  }

  private void launch(String name, Path jar, Map<String, String> env) throws IOException {
    if (alive(name)) {
      return;
    }
    if (!Files.exists(jar)) {
      throw new IOException(name + " is not built: " + jar + " is missing");
    }
    Map<String, String> all = new LinkedHashMap<>(env);
    all.put("QUARKUS_HTTP_HOST", Net.LOOPBACK);
    all.put("QUARKUS_HTTP_PORT", String.valueOf(ports.get(name)));
    for (String other : SERVICES) {
      all.put("COPILOT_SERVICES_" + other.toUpperCase().replace('-', '_') + "_URL", url(other));
    }
    // Each instance keeps its own embedded index (Lucene takes a lock on its folder).
    all.putIfAbsent("COPILOT_INGESTION_INDEX_PATH", index(name).toString());
    Files.createDirectories(home.logs());
    // the log of the instance before (stopped, or killed) is kept beside the new one, as
    // kubectl logs --previous shows it
    if (Files.exists(log(name))) {
      Files.move(
          log(name),
          home.logs().resolve(name + ".previous.log"),
          java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
    Files.writeString(log(name), "");
    List<String> command = new ArrayList<>();
    command.add(jdk.resolve("bin").resolve("java").toString());
    // Quick to start by default; COPILOT_APPS_JAVA_OPTS replaces this (benchmarks use the full
    // JIT).
    String opts = System.getenv("COPILOT_APPS_JAVA_OPTS");
    command.addAll(
        opts == null || opts.isBlank()
            ? List.of("-Xms64m", "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1")
            : List.of(opts.trim().split("\\s+")));
    // Temporary files (ONNX Runtime's native libraries among them) stay in the stack's folder.
    Path tmp = home.dir().resolve("tmp").resolve(name);
    Files.createDirectories(tmp);
    command.add("-Djava.io.tmpdir=" + tmp);
    // So do the tokenizer's (DJL extracts it to ~/.djl.ai otherwise).
    command.add("-DDJL_CACHE_DIR=" + tmp.resolve("djl"));
    command.addAll(List.of("-jar", jar.toString()));
    ChildProcess process = new ChildProcess(name, log(name), Duration.ofSeconds(35));
    process.spawn(command, all, home.project());
    processes.put(name, process);
  }

  boolean alive(String service) {
    ChildProcess process = processes.get(service);
    return process != null && process.alive();
  }

  void awaitReady(String service) throws IOException, InterruptedException {
    ChildProcess process = processes.get(service);
    if (process == null) {
      throw new IOException(service + " was not started");
    }
    process.awaitReady(READY_TIMEOUT, () -> Net.httpOk(url(service) + "/q/health/ready"));
  }

  /** Stops one service (SIGTERM, then SIGKILL after the grace period). */
  void stop(String service) {
    ChildProcess process = processes.remove(service);
    if (process != null) {
      process.stop();
    }
  }

  void stopAll() {
    List<Thread> stoppers = new ArrayList<>();
    processes.forEach((name, process) -> stoppers.add(Thread.ofPlatform().start(process::stop)));
    for (Thread t : stoppers) {
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    processes.clear();
  }

  Map<String, String> describe() {
    Map<String, String> info = new LinkedHashMap<>();
    for (String service : new java.util.TreeSet<>(processes.keySet())) {
      ChildProcess process = processes.get(service);
      if (process == null) {
        continue;
      }
      info.put("app." + service + ".port", String.valueOf(ports.get(service)));
      info.put("app." + service + ".url", url(service));
      info.put("app." + service + ".pid", String.valueOf(process.pid()));
      info.put("app." + service + ".status", process.alive() ? "running" : "exited");
      info.put("app." + service + ".log", log(service).toString());
    }
    return info;
  }
}
