package io.smbcopilot.devstack;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

/**
 * The launcher's engine ({@code ./copilot} calls it after building): {@code up [-d]}, {@code down},
 * {@code status}, {@code start|stop <component>}, {@code log <name>}. The dev stack lives in {@code
 * .copilot/dev} and keeps its data between runs.
 */
public final class Cli {
  private Cli() {}

  public static void main(String[] args) throws Exception {
    String command = args.length > 0 ? args[0] : "status";
    StackHome home = StackHome.of(Path.of(""), "dev");
    int exit =
        switch (command) {
          case "up" ->
              up(
                  home,
                  List.of(args).contains("-d") || List.of(args).contains("--detach"),
                  List.of(args).contains("--monitoring"));
          case "down" -> down(home);
          case "status" -> status(home);
          case "start", "stop" -> component(home, command, args.length > 1 ? args[1] : "");
          case "log" -> log(home, args.length > 1 ? args[1] : "");
          case "backup", "restore" -> backup(home, command, args.length > 1 ? args[1] : "");
          case "reindex" -> reindex(home, args.length > 1 ? args[1] : "");
          default -> {
            System.err.println(
                "usage: copilot up [-d] | down | status | logs <name> | start|stop <component>"
                    + " | backup|restore <dir> | reindex --all");
            yield 2;
          }
        };
    System.exit(exit);
  }

  /** {@code backup DIR} or {@code restore DIR}, on the running stack (or one started for it). */
  private static int backup(StackHome home, String command, String dir) throws Exception {
    if (dir.isBlank()) {
      System.err.println("usage: copilot " + command + " <dir>");
      return 2;
    }
    DevStack stack = DevStack.attachOrStart(home, 0, false);
    Path folder = Path.of(dir).toAbsolutePath();
    try {
      if (command.equals("backup")) {
        Map<String, String> manifest = stack.backup(folder);
        long files = manifest.keySet().stream().filter(k -> k.endsWith(".sha256")).count();
        System.out.printf(
            "Backed up %s (%d files, databases %s) into %s in %s s.%n",
            home.project(), files, manifest.get("databases"), folder, manifest.get("seconds"));
      } else {
        Map<String, String> manifest = stack.restore(folder);
        System.out.printf(
            "Restored the backup of %s from %s in %s s; the services are up again.%n",
            manifest.get("created-at"), folder, manifest.get("restore-seconds"));
      }
      return 0;
    } catch (Exception e) {
      System.err.println("copilot " + command + " failed: " + e.getMessage());
      return 1;
    }
  }

  /** {@code reindex --all}: the embedded index rebuilt from the documents' saved chunks. */
  private static int reindex(StackHome home, String scope) throws Exception {
    if (!scope.equals("--all")) {
      System.err.println("usage: copilot reindex --all");
      return 2;
    }
    DevStack stack = DevStack.attachOrStart(home, 0, false);
    try {
      Map<String, String> done = stack.reindexAll();
      System.out.printf(
          "Rebuilt the search index of %s: %s documents embedded again from their saved chunks"
              + " in %s s.%n",
          home.project(), done.get("documents"), done.get("seconds"));
      return 0;
    } catch (Exception e) {
      System.err.println("copilot reindex failed: " + e.getMessage());
      return 1;
    }
  }

  private static int up(StackHome home, boolean detach, boolean monitoring) throws Exception {
    long started = System.nanoTime();
    DevStack stack = DevStack.attachOrStart(home, 0, false);
    try {
      stack.startApps();
      if (monitoring) {
        // after the services: it scrapes the addresses they got
        stack.start(Names.PROMETHEUS);
      }
    } catch (Exception e) {
      System.err.println("copilot up failed: " + e.getMessage());
      System.err.println("stopping what was started...");
      stack.shutdown(Duration.ofSeconds(90));
      return 1;
    }
    Map<String, String> state = stack.status();
    System.out.println(table(state));
    System.out.printf(
        "%nAll five services are ready (%.1f s).%n", (System.nanoTime() - started) / 1e9);
    System.out.printf("Open the dashboard in a browser: %s/%n", state.get("app.api-gateway.url"));
    if (monitoring) {
      System.out.printf(
          "Prometheus, with the chart's alert rules: %s/alerts (stop Kafka to see one fire:"
              + " ./copilot stop kafka)%n",
          state.get("prometheus.url"));
    }
    if (detach) {
      System.out.println("Running in the background: ./copilot status | logs <name> | down");
      return 0;
    }
    System.out.println("Press Ctrl-C to stop everything.");
    CountDownLatch done = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  System.out.println("\nstopping...");
                  try {
                    stack.shutdown(Duration.ofSeconds(120));
                  } catch (Exception e) {
                    System.err.println("stop failed: " + e.getMessage());
                  }
                  System.out.println("stopped.");
                  done.countDown();
                }));
    long pid = Long.parseLong(state.getOrDefault("supervisor.pid", "-1"));
    Optional<ProcessHandle> supervisor = Processes.alive(pid);
    if (supervisor.isPresent()) {
      supervisor.get().onExit().join();
    }
    return 0;
  }

  private static int down(StackHome home) throws Exception {
    Optional<DevStack> stack = DevStack.attach(home);
    Map<String, String> state = Supervisor.readState(home.stateFile());
    if (stack.isPresent()) {
      stack.get().shutdown(Duration.ofSeconds(150));
    }
    // Whatever a supervisor that died hard left behind: its recorded processes and PostgreSQL.
    for (Map.Entry<String, String> e : state.entrySet()) {
      if (e.getKey().endsWith(".pid") && !e.getKey().equals("owner.pid")) {
        try {
          Processes.alive(Long.parseLong(e.getValue()))
              .ifPresent(h -> Processes.stopTree(h, Duration.ofSeconds(20)));
        } catch (NumberFormatException ignored) {
          // not a pid
        }
      }
    }
    PostgresServer postgres = new PostgresServer(home, new Secrets(home.secretsFile()), 0);
    if (Files.exists(postgres.dataDir().resolve("postmaster.pid"))) {
      postgres.stop();
    }
    Files.deleteIfExists(home.stateFile());
    System.out.println("stopped.");
    return 0;
  }

  private static int status(StackHome home) throws Exception {
    Optional<DevStack> stack = DevStack.attach(home);
    if (stack.isEmpty()) {
      System.out.println("not running (start it with ./copilot up)");
      return 3;
    }
    System.out.println(table(stack.get().status()));
    return 0;
  }

  private static int component(StackHome home, String action, String name) throws Exception {
    Optional<DevStack> stack = DevStack.attach(home);
    if (stack.isEmpty()) {
      System.err.println("not running");
      return 3;
    }
    Map<String, String> state =
        action.equals("start") ? stack.get().start(name) : stack.get().stop(name);
    System.out.println(name + ": " + state.get(name + ".status"));
    return 0;
  }

  private static int log(StackHome home, String name) {
    Path file = home.logs().resolve(name + ".log");
    if (!Files.exists(file)) {
      System.err.println("no log for '" + name + "' at " + file);
      return 1;
    }
    System.out.println(file);
    return 0;
  }

  static String table(Map<String, String> state) {
    StringBuilder out = new StringBuilder();
    String row = "%-22s %-8s %-32s %s%n";
    out.append(String.format(row, "NAME", "STATUS", "ADDRESS", "LOG"));
    List<String> components = new java.util.ArrayList<>(Names.ALL);
    if ("running".equals(state.get(Names.PROMETHEUS + ".status"))) {
      components.add(Names.PROMETHEUS);
    }
    for (String c : components) {
      String address =
          switch (c) {
            case Names.POSTGRES -> state.getOrDefault(c + ".jdbc-url", "");
            case Names.KAFKA -> state.getOrDefault(c + ".bootstrap-servers", "");
            case Names.KEYCLOAK -> state.getOrDefault(c + ".url", "");
            case Names.SMTP -> "smtp://127.0.0.1:" + state.getOrDefault(c + ".port", "");
            case Names.PROMETHEUS -> state.getOrDefault(c + ".url", "");
            default -> "";
          };
      out.append(
          String.format(
              row,
              c,
              state.getOrDefault(c + ".status", "-"),
              address,
              state.getOrDefault(c + ".log", "")));
    }
    for (String s : Apps.SERVICES) {
      String url = state.get("app." + s + ".url");
      if (url == null) {
        continue;
      }
      out.append(
          String.format(
              row,
              s,
              state.getOrDefault("app." + s + ".status", "-"),
              url,
              state.getOrDefault("app." + s + ".log", "")));
    }
    return out.toString();
  }
}
