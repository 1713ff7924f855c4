package io.smbcopilot.gateway.proxy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One upstream's breaker: closed until {@code threshold} consecutive failures, then open (requests
 * are refused at once) for {@code openFor}, then half-open: one trial request goes through, and its
 * outcome closes or re-opens the breaker.
 */
public final class CircuitBreaker {
  public enum State {
    CLOSED,
    OPEN,
    HALF_OPEN
  }

  private final int threshold;
  private final long openForNanos;
  private final AtomicInteger failures = new AtomicInteger();
  private final AtomicLong openedAt = new AtomicLong(0);
  private final AtomicBoolean trialInFlight = new AtomicBoolean();

  public CircuitBreaker(int threshold, Duration openFor) {
    this.threshold = threshold;
    this.openForNanos = openFor.toNanos();
  }

  public State state() {
    long opened = openedAt.get();
    if (opened == 0) {
      return State.CLOSED;
    }
    return System.nanoTime() - opened < openForNanos ? State.OPEN : State.HALF_OPEN;
  }

  /** Whether a request may go to the upstream now. */
  public boolean allow() {
    return switch (state()) {
      case CLOSED -> true;
      case OPEN -> false;
      case HALF_OPEN -> trialInFlight.compareAndSet(false, true);
    };
  }

  /** Seconds until a trial request is allowed (for Retry-After). */
  public long retryAfterSeconds() {
    long opened = openedAt.get();
    long left = opened == 0 ? 0 : openForNanos - (System.nanoTime() - opened);
    return Math.max(1, (long) Math.ceil(left / 1e9));
  }

  public void success() {
    failures.set(0);
    openedAt.set(0);
    trialInFlight.set(false);
  }

  public void failure() {
    if (state() == State.HALF_OPEN) {
      openedAt.set(System.nanoTime());
      trialInFlight.set(false);
      return;
    }
    if (failures.incrementAndGet() >= threshold) {
      openedAt.compareAndSet(0, System.nanoTime());
    }
  }
}
