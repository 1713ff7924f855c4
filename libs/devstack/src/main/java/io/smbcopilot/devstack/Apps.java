package io.smbcopilot.devstack;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
  static final List<String> SERVICES =
      List.of(
          "api-gateway",
          "auth-service",
          "ingestion-service",
          "workflow-worker",
          "notifications-service");
  private static final Duration READY_TIMEOUT = Duration.ofMinutes(2);

  private final StackHome home;
  private final Path jdk;
  private final Map<String, Process> processes = new ConcurrentHashMap<>();
  private final Map<String, Integer> ports = new ConcurrentHashMap<>();
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

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
      Process running = processes.get(service);
      if (running == null || !running.isAlive()) {
        ports.put(service, Net.reuseOrFree(ports.getOrDefault(service, 0)));
      }
    }
  }

  void start(String service, Map<String, String> env) throws IOException {
    Process running = processes.get(service);
    if (running != null && running.isAlive()) {
      return;
    }
    Path jar = jar(service);
    if (!Files.exists(jar)) {
      throw new IOException(service + " is not built: " + jar + " is missing");
    }
    Map<String, String> all = new LinkedHashMap<>(env);
    all.put("QUARKUS_HTTP_HOST", Net.LOOPBACK);
    all.put("QUARKUS_HTTP_PORT", String.valueOf(ports.get(service)));
    for (String other : SERVICES) {
      all.put("COPILOT_SERVICES_" + other.toUpperCase().replace('-', '_') + "_URL", url(other));
    }
    Files.createDirectories(home.logs());
    Files.writeString(log(service), "");
    List<String> command = new ArrayList<>();
    command.add(jdk.resolve("bin").resolve("java").toString());
    command.addAll(List.of("-Xms64m", "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
    command.addAll(List.of("-jar", jar.toString()));
    processes.put(service, Processes.spawn(command, all, home.project(), log(service)));
  }

  void awaitReady(String service) throws IOException, InterruptedException {
    Process process = processes.get(service);
    Processes.await(
        service,
        READY_TIMEOUT,
        log(service),
        () -> process == null || !process.isAlive() || ready(service));
    if (process == null || !process.isAlive()) {
      throw new IOException(
          service
              + " exited during start"
              + (process == null ? "" : " with " + process.exitValue())
              + Processes.tail(log(service)));
    }
  }

  boolean ready(String service) {
    try {
      return http.send(
                  HttpRequest.newBuilder(URI.create(url(service) + "/q/health/ready"))
                      .timeout(Duration.ofSeconds(3))
                      .build(),
                  HttpResponse.BodyHandlers.discarding())
              .statusCode()
          == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  void stopAll() {
    List<Thread> stoppers = new ArrayList<>();
    processes.forEach(
        (name, process) ->
            stoppers.add(
                Thread.ofPlatform()
                    .start(() -> Processes.stopTree(process.toHandle(), Duration.ofSeconds(35)))));
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
    for (String service : SERVICES) {
      Process process = processes.get(service);
      if (process == null) {
        continue;
      }
      info.put("app." + service + ".port", String.valueOf(ports.get(service)));
      info.put("app." + service + ".url", url(service));
      info.put("app." + service + ".pid", String.valueOf(process.pid()));
      info.put("app." + service + ".status", process.isAlive() ? "running" : "exited");
      info.put("app." + service + ".log", log(service).toString());
    }
    return info;
  }
}
