package io.smbcopilot.jobs;

/**
 * Where a bean keeps the {@link JobWorkers} it may run: none until started (a process configured
 * with no workers starts none), so waking and closing are safe at any moment.
 */
public final class WorkerSlot {
  private volatile JobWorkers workers;

  /** Starts the workers and keeps them. */
  public void start(JobWorkers started) {
    this.workers = started;
    started.start();
  }

  /** Work was queued and committed: a sleeping worker looks at once (nothing when none runs). */
  public void wake() {
    JobWorkers running = workers;
    if (running != null) {
      running.wake();
    }
  }

  /** Work was queued that is ready after the delay: a sleeping worker looks then. */
  public void wakeAfter(java.time.Duration delay) {
    JobWorkers running = workers;
    if (running != null) {
      running.wakeAfter(delay);
    }
  }

  /** Stops the workers, if any run. */
  public void close() {
    JobWorkers running = workers;
    if (running != null) {
      running.close();
    }
  }
}
