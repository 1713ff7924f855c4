package io.smbcopilot.jobs;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Runs one queue's jobs on a bounded number of worker threads, in any number of processes: each
 * worker claims a job ({@link JobQueue#claim}), keeps its lease renewed while the handler works,
 * and settles it: done, tried again later with a growing pause, or dead after the last attempt. A
 * job whose claims ran out without being settled (its worker died) more than {@code maxAttempts}
 * times is dead without running again. Workers sleep until {@link #wake()} or the poll interval.
 *
 * <p>The handler's {@code Uni} is awaited on the worker thread. A handler that uses Hibernate
 * Reactive runs its work on a Vert.x context of its own ({@link #awaitOnContext}).
 */
public final class JobWorkers implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(JobWorkers.class);
  private static final int MAX_ERROR = 2000;

  /** The work of one job. */
  @FunctionalInterface
  public interface Handler {
    Uni<Void> handle(Job job);

    /**
     * The job will not run again: its last attempt failed, or its claims ran out {@code
     * maxAttempts} times without being settled. The owner of the work records that it failed (a
     * document, a workflow run); by default nothing happens.
     */
    default Uni<Void> dead(Job job, String reason) {
      return Uni.createFrom().voidItem();
    }
  }

  /**
   * The attempt failed and the handler keeps its own schedule: the job is ready again after {@code
   * delay}, whatever the settings' backoff and attempt count say (webhook deliveries retry on the
   * Standard Webhooks schedule, and honour a receiver's {@code Retry-After}).
   */
  public static final class RetryLater extends RuntimeException {
    private final Duration delay;

    public RetryLater(Duration delay, String reason) {
      super(reason, null, false, false);
      this.delay = delay;
    }

    public Duration delay() {
      return delay;
    }
  }

  /**
   * How the workers run.
   *
   * @param queue the queue they take jobs from
   * @param workers how many jobs run at once in this process
   * @param lease how long a claim lasts unless renewed (renewed every third of it)
   * @param pollInterval longest sleep when the queue is empty
   * @param maxAttempts attempts before a job is dead
   * @param retryBackoff pause after the first failed attempt, doubled after each further one
   * @param maxBackoff longest pause between attempts
   * @param timeout longest time one attempt may take
   * @param tenantConcurrency most jobs of one tenant in flight at once, across every process of the
   *     queue; 0: no limit, the oldest job first (see {@link JobQueue#claimFair})
   */
  public record Settings(
      String queue,
      int workers,
      Duration lease,
      Duration pollInterval,
      int maxAttempts,
      Duration retryBackoff,
      Duration maxBackoff,
      Duration timeout,
      int tenantConcurrency) {}

  private final JobQueue jobs;
  private final Settings settings;
  private final Handler handler;
  private final String name;
  private final Semaphore wake = new Semaphore(0);
  private final ScheduledExecutorService renewals;
  private final Counter done;
  private final Counter retried;
  private final Counter dead;
  private final List<Thread> threads = new ArrayList<>();
  private volatile boolean running;

  public JobWorkers(
      JobQueue jobs, Settings settings, Handler handler, String name, MeterRegistry registry) {
    this.jobs = jobs;
    this.settings = settings;
    this.handler = handler;
    this.name = name;
    this.renewals =
        Executors.newSingleThreadScheduledExecutor(
            r ->
                Thread.ofPlatform()
                    .name("jobs-" + settings.queue() + "-leases")
                    .daemon()
                    .unstarted(r));
    MeterRegistry meters =
        registry != null
            ? registry
            : new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
    this.done = counter(meters, "done");
    this.retried = counter(meters, "retried");
    this.dead = counter(meters, "dead");
  }

  private Counter counter(MeterRegistry registry, String outcome) {
    return Counter.builder("copilot.jobs")
        .description("Job attempts by queue and outcome")
        .tag("queue", settings.queue())
        .tag("outcome", outcome)
        .register(registry);
  }

  public double doneCount() {
    return done.count();
  }

  public double retriedCount() {
    return retried.count();
  }

  public double deadCount() {
    return dead.count();
  }

  /** Starts the workers. */
  public synchronized void start() {
    if (running) {
      return;
    }
    running = true;
    for (int i = 0; i < settings.workers(); i++) {
      String worker = name + "#" + i;
      threads.add(
          Thread.ofPlatform()
              .name("jobs-" + settings.queue() + "-" + i)
              .daemon()
              .start(() -> loop(worker)));
    }
  }

  /** A job was added: a sleeping worker looks at once. */
  public void wake() {
    wake.release();
  }

  /**
   * A job was added that is ready after {@code delay}: a sleeping worker looks then, rather than at
   * its next poll (a retry a few hundred milliseconds later, a short wait). Nothing when the poll
   * comes first anyway.
   */
  public void wakeAfter(Duration delay) {
    if (delay.isZero() || delay.isNegative()) {
      wake();
    } else if (delay.compareTo(settings.pollInterval()) < 0 && running) {
      try {
        renewals.schedule(this::wake, delay.toMillis(), TimeUnit.MILLISECONDS);
      } catch (java.util.concurrent.RejectedExecutionException e) {
        // closing
      }
    }
  }

  private void loop(String worker) {
    while (running) {
      try {
        Optional<Job> claimed =
            (settings.tenantConcurrency() > 0
                    ? jobs.claimFair(
                        settings.queue(),
                        worker,
                        settings.lease(),
                        settings.tenantConcurrency(),
                        Math.max(8, settings.workers() + 1))
                    : jobs.claim(settings.queue(), worker, settings.lease()))
                .await()
                .atMost(Duration.ofSeconds(30));
        if (claimed.isPresent()) {
          run(claimed.get(), worker);
        } else {
          wake.tryAcquire(settings.pollInterval().toMillis(), TimeUnit.MILLISECONDS);
          wake.drainPermits();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException e) {
        if (!running) {
          return;
        }
        LOG.warnf("jobs %s: %s cannot claim now: %s", settings.queue(), worker, e.toString());
        pause(settings.pollInterval());
      }
    }
  }

  private void run(Job job, String worker) {
    if (job.attempts() > settings.maxAttempts()) {
      String reason = "processing stopped " + settings.maxAttempts() + " times before it finished";
      die(job, worker, reason, reason);
      return;
    }
    long every = Math.max(1, settings.lease().toMillis() / 3);
    ScheduledFuture<?> renewal =
        renewals.scheduleAtFixedRate(() -> renew(job, worker), every, every, TimeUnit.MILLISECONDS);
    try {
      handler.handle(job).await().atMost(settings.timeout());
      settle(jobs.done(job, worker), done);
    } catch (RuntimeException e) {
      if (!running) {
        // stopping: the job stays claimed until its lease runs out, then another worker takes it
        return;
      }
      String error = message(e);
      if (e instanceof RetryLater later) {
        LOG.debugf(
            "jobs %s: attempt %d of %s failed, again in %s: %s",
            settings.queue(), job.attempts(), job.id(), later.delay(), error);
        settle(jobs.later(job, worker, later.delay(), error), retried);
      } else if (job.attempts() >= settings.maxAttempts()) {
        LOG.warnf(
            "jobs %s: %s is dead after %d attempts: %s",
            settings.queue(), job.id(), job.attempts(), error);
        die(job, worker, error, "failed " + job.attempts() + " times; the last time: " + error);
      } else {
        LOG.debugf(
            "jobs %s: attempt %d of %s failed: %s",
            settings.queue(), job.attempts(), job.id(), error);
        settle(jobs.later(job, worker, backoff(job.attempts()), error), retried);
      }
    } finally {
      renewal.cancel(false);
    }
  }

  /**
   * Marks the job dead with its error and, when it was still this worker's, tells the handler why
   * in words for people.
   */
  private void die(Job job, String worker, String error, String reason) {
    try {
      if (jobs.dead(job, worker, error).await().atMost(Duration.ofSeconds(30))) {
        dead.increment();
        handler.dead(job, reason).await().atMost(Duration.ofSeconds(30));
      }
    } catch (RuntimeException e) {
      // the database is away: the lease runs out and the job is claimed (and declared dead) again
      LOG.warnf(
          "jobs %s: could not settle dead job %s: %s", settings.queue(), job.id(), e.toString());
    }
  }

  private void renew(Job job, String worker) {
    try {
      if (!jobs.renew(job, worker, settings.lease()).await().atMost(Duration.ofSeconds(10))) {
        LOG.warnf("jobs %s: %s lost its claim on %s", settings.queue(), worker, job.id());
      }
    } catch (RuntimeException e) {
      LOG.debugf("jobs %s: lease of %s not renewed: %s", settings.queue(), job.id(), e.toString());
    }
  }

  /** Records the outcome; a job that went to another worker meanwhile is not counted. */
  private void settle(Uni<Boolean> outcome, Counter counter) {
    try {
      if (outcome.await().atMost(Duration.ofSeconds(30))) {
        counter.increment();
      }
    } catch (RuntimeException e) {
      // the database is away: the lease runs out and the job is claimed again
      LOG.warnf("jobs %s: could not settle a job: %s", settings.queue(), e.toString());
    }
  }

  /** The pause after the given attempt: retryBackoff doubled per earlier attempt, capped. */
  Duration backoff(int attempt) {
    Duration pause = settings.retryBackoff().multipliedBy(1L << Math.min(20, attempt - 1));
    return pause.compareTo(settings.maxBackoff()) > 0 ? settings.maxBackoff() : pause;
  }

  private static String message(Throwable e) {
    String text = e.getMessage() == null ? e.toString() : e.getMessage();
    return text.length() > MAX_ERROR ? text.substring(0, MAX_ERROR) : text;
  }

  private void pause(Duration duration) {
    try {
      Thread.sleep(duration);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
    }
  }

  @Override
  public synchronized void close() {
    running = false;
    threads.forEach(Thread::interrupt);
    for (Thread thread : threads) {
      try {
        thread.join(TimeUnit.SECONDS.toMillis(15));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    renewals.shutdownNow();
  }

  /**
   * Runs the work on a Vert.x context of its own (Hibernate Reactive needs one) and waits for it on
   * this worker thread; what it fails with is thrown as it is (a checked failure wrapped).
   */
  public static <T> T awaitOnContext(java.util.function.Supplier<Uni<T>> work) {
    try {
      return io.quarkus.vertx.VertxContextSupport.subscribeAndAwait(work);
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable e) {
      throw new IllegalStateException(e);
    }
  }
}
