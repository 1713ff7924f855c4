package io.smbcopilot.notifications.mail;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;

/** How mail goes out ({@code copilot.mail.*}); the SMTP server is {@code quarkus.mailer.*}'s. */
@ConfigMapping(prefix = "copilot.mail")
public interface MailSettings {
  /** Mails being sent at once by this process; 0 sends none (they wait in the queue). */
  @WithDefault("2")
  int workers();

  /**
   * The pauses after each attempt the SMTP server could not take (no answer, a 4xx); attempts in
   * all: one more than pauses. A 5xx is final at once.
   */
  @WithDefault("30s,2m,10m,30m,1h,2h,4h,8h")
  List<Duration> retrySchedule();

  /** The longest one attempt may take. */
  @WithDefault("60s")
  Duration timeout();

  /** How often due daily digests are looked for ({@code off}: never, as in tests that run them). */
  @WithDefault("1m")
  String digestEvery();
}
