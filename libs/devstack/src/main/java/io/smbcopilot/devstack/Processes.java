package io.smbcopilot.devstack;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** Running commands and child processes. */
final class Processes {
  private Processes() {}

  static boolean isRoot() {
    return "root".equals(System.getProperty("user.name"));
  }

  /** Runs a command to completion; fails with its output when it exits non-zero. */
  static String run(List<String> command, Map<String, String> env, Duration timeout)
      throws IOException, InterruptedException {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().putAll(env);
    Process process = builder.start();
    process.getOutputStream().close();
    byte[] out = process.getInputStream().readAllBytes();
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      throw new IOException("timed out: " + String.join(" ", command));
    }
    String text = new String(out, StandardCharsets.UTF_8);
    if (process.exitValue() != 0) {
      throw new IOException(
          "exit " + process.exitValue() + " from " + String.join(" ", command) + ":\n" + text);
    }
    return text;
  }

  /** Runs the command as the given system user when we are root (PostgreSQL refuses root). */
  static List<String> asUser(String user, List<String> command) {
    if (!isRoot()) {
      return command;
    }
    List<String> wrapped = new ArrayList<>(List.of("runuser", "-u", user, "--"));
    wrapped.addAll(command);
    return wrapped;
  }

  /** Starts a long-running child with its output appended to a log file. */
  static Process spawn(List<String> command, Map<String, String> env, Path workDir, Path log)
      throws IOException {
    Files.createDirectories(log.getParent());
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(workDir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    builder.environment().putAll(env);
    Process process = builder.start();
    process.getOutputStream().close();
    return process;
  }

  /** Stops a process and all its descendants: SIGTERM first, SIGKILL after the grace period. */
  static void stopTree(ProcessHandle root, Duration grace) {
    List<ProcessHandle> all = new ArrayList<>(root.descendants().toList());
    all.add(root);
    all.forEach(ProcessHandle::destroy);
    long deadline = System.nanoTime() + grace.toNanos();
    for (ProcessHandle handle : all) {
      long left = deadline - System.nanoTime();
      try {
        handle.onExit().get(Math.max(left, 1), TimeUnit.NANOSECONDS);
      } catch (Exception e) {
        handle.destroyForcibly();
      }
    }
    all.forEach(
        h -> {
          if (h.isAlive()) {
            h.destroyForcibly();
          }
        });
  }

  static Optional<ProcessHandle> alive(long pid) {
    return pid > 0 ? ProcessHandle.of(pid).filter(ProcessHandle::isAlive) : Optional.empty();
  }

  /** Polls a condition until it holds; fails with the message (and the log's tail) otherwise. */
  static void await(String what, Duration timeout, Path log, BooleanSupplier condition)
      throws InterruptedException, IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (condition.getAsBoolean()) {
        return;
      }
      Thread.sleep(200);
    }
    throw new IOException(
        what
            + " did not become ready within "
            + timeout.toSeconds()
            + "s; log: "
            + log
            + tail(log));
  }

  static String tail(Path log) {
    try {
      if (log == null || !Files.exists(log)) {
        return "";
      }
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return "\n--- last lines of "
          + log
          + " ---\n"
          + String.join("\n", lines.subList(Math.max(0, lines.size() - 25), lines.size()));
    } catch (IOException | RuntimeException e) {
      return "";
    }
  }
}
