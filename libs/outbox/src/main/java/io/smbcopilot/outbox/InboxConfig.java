package io.smbcopilot.outbox;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** How the inbox retries a failing handler ({@code copilot.inbox.*}). */
@ConfigMapping(prefix = "copilot.inbox")
public interface InboxConfig {

  /** Handler attempts before a record goes to the dead-letter topic. */
  @WithDefault("5")
  int maxAttempts();

  /** Pause after a failed attempt, multiplied by the attempt's number. */
  @WithDefault("200ms")
  Duration retryBackoff();

  /**
   * Most events applied in one transaction by a consumer that reads batches ({@link
   * Inbox#processBatch}).
   */
  @WithDefault("100")
  int batchSize();

  /** Pause before trying again while the database is unreachable (not counted as an attempt). */
  @WithDefault("1s")
  Duration unreachableBackoff();
}
