package io.smbcopilot.devstack;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/** One long-running child of the supervisor: spawned with its log, awaited, stopped as a tree. */
final class ChildProcess {
  private final String name;
  private final Path log;
  private final Duration grace;
  private Process process;

  ChildProcess(String name, Path log, Duration grace) {
    this.name = name;
    this.log = log;
    this.grace = grace;
  }

  void spawn(List<String> command, Map<String, String> env, Path workDir) throws IOException {
    process = Processes.spawn(command, env, workDir, log);
  }

  /** Waits until {@code ready} holds; fails with the log's tail if the process exits first. */
  void awaitReady(Duration timeout, BooleanSupplier ready)
      throws IOException, InterruptedException {
    Processes.await(name, timeout, log, () -> !alive() || ready.getAsBoolean());
    if (!alive()) {
      throw new IOException(
          name
              + " exited"
              + (process == null ? "" : " with " + process.exitValue())
              + Processes.tail(log));
    }
  }

  boolean alive() {
    return process != null && process.isAlive();
  }

  long pid() {
    return process == null ? -1 : process.pid();
  }

  /** SIGTERM to the process and its descendants, SIGKILL after the grace period. */
  void stop() {
    if (process != null) {
      Processes.stopTree(process.toHandle(), grace);
      process = null;
    }
  }
}
