package io.smbcopilot.gateway.ratelimit;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.smbcopilot.gateway.repository.RateBucketRepository;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * Deletes the shared buckets that are full again, every {@code
 * copilot.gateway.rate-limit.sweep-every}: their keys name tenants and API keys, and an erased
 * tenant's or a deleted key's must not stay behind (decision 0011).
 */
@ApplicationScoped
public class RateBucketSweep {
  private static final Logger LOG = Logger.getLogger(RateBucketSweep.class);

  private final RateBucketRepository buckets;

  public RateBucketSweep(RateBucketRepository buckets) {
    this.buckets = buckets;
  }

  @Scheduled(
      every = "${copilot.gateway.rate-limit.sweep-every}",
      delayed = "10s",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  Uni<Void> scheduled() {
    return buckets
        .forgetFull()
        .invoke(n -> LOG.debugf("rate buckets: %d full ones deleted", n))
        .onFailure()
        .invoke(e -> LOG.warnf("rate buckets: the sweep failed, tried again later: %s", e))
        .onFailure()
        .recoverWithNull()
        .replaceWithVoid();
  }
}
