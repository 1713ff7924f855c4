package io.smbcopilot.notifications.mail;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.mailer.Mail;
import io.quarkus.mailer.reactive.ReactiveMailer;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.smbcopilot.jobs.Job;
import io.smbcopilot.jobs.JobQueue;
import io.smbcopilot.jobs.JobWorkers;
import io.smbcopilot.jobs.Jobs;
import io.smbcopilot.jobs.WorkerSlot;
import io.smbcopilot.notifications.domain.MailMessage;
import io.smbcopilot.notifications.repository.MailMessageRepository;
import io.smbcopilot.security.SecretCipher;
import io.vertx.ext.mail.SMTPException;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Sends mail: a mail is queued with a job of the {@value #QUEUE} queue ({@code libs/jobs}) in the
 * transaction that makes it, so none is lost; a job sends it through {@code quarkus-mailer}. What
 * the SMTP server cannot take now (no connection, a 4xx) is tried again on {@code
 * copilot.mail.retry-schedule}; what it refuses for good (a 5xx), or what is still refused when the
 * schedule runs out, is failed with the server's words, visible in {@code GET
 * /api/v1/notifications/emails}.
 */
@ApplicationScoped
public class MailDeliveries implements JobWorkers.Handler {
  public static final String QUEUE = "mail";
  private static final Logger LOG = Logger.getLogger(MailDeliveries.class);
  private static final int MAX_ERROR = 1000;

  private final MailMessageRepository mails;
  private final Jobs jobs;
  private final ReactiveMailer mailer;
  private final MailSettings settings;
  private final SecretCipher cipher;
  private final ObjectMapper json;
  private final Pool pool;
  private final MeterRegistry registry;
  private final WorkerSlot workers = new WorkerSlot();

  public MailDeliveries(
      MailMessageRepository mails,
      Jobs jobs,
      ReactiveMailer mailer,
      MailSettings settings,
      SecretCipher cipher,
      ObjectMapper json,
      Pool pool,
      MeterRegistry registry) {
    this.mails = mails;
    this.jobs = jobs;
    this.mailer = mailer;
    this.settings = settings;
    this.cipher = cipher;
    this.json = json;
    this.pool = pool;
    this.registry = registry;
  }

  void start(@Observes StartupEvent event) {
    if (settings.workers() <= 0) {
      return;
    }
    workers.start(
        new JobWorkers(
            new JobQueue(pool),
            new JobWorkers.Settings(
                QUEUE,
                settings.workers(),
                settings.timeout().multipliedBy(2),
                Duration.ofSeconds(1),
                // the schedule is this class's (RetryLater); claims only stop a job whose
                // workers keep dying before it settles
                settings.retrySchedule().size() + 20,
                Duration.ofSeconds(1),
                Duration.ofMinutes(1),
                settings.timeout().plusSeconds(10),
                0),
            this,
            "mail-" + UUID.randomUUID(),
            registry));
  }

  void stop(@Observes ShutdownEvent event) {
    workers.close();
  }

  /** Mail was queued and committed: a worker takes it now rather than at its next poll. */
  public void wake() {
    workers.wake();
  }

  /** Queues the mail: it is stored, and its job added, in the caller's transaction. */
  public Uni<MailMessage> queue(MailMessage mail) {
    mail.status = MailMessage.QUEUED;
    return mails.persist(mail).call(m -> enqueue(m));
  }

  /** Adds the job of an already stored mail, in the caller's transaction. */
  public Uni<UUID> enqueue(MailMessage mail) {
    return jobs.enqueue(
        QUEUE,
        mail.tenantId,
        json.createObjectNode().put("mail", mail.id.toString()).toString(),
        Duration.ZERO);
  }

  @Override
  public Uni<Void> handle(Job job) {
    return Uni.createFrom()
        .item(
            () -> {
              send(job);
              return null;
            });
  }

  private void send(Job job) {
    UUID id = mailOf(job);
    MailMessage mail =
        JobWorkers.awaitOnContext(() -> Panache.withSession(() -> mails.own(job.tenantId(), id)));
    if (mail == null || !MailMessage.QUEUED.equals(mail.status)) {
      return; // sent meanwhile, or gone
    }
    Mail message =
        Mail.withText(mail.toAddress, mail.subject, secretsIn(mail, mail.textBody))
            .setHtml(secretsIn(mail, mail.htmlBody));
    if (mail.unsubscribeUrl != null) {
      // RFC 2369 and RFC 8058: mail clients offer a one-click unsubscribe
      message.addHeader("List-Unsubscribe", "<" + mail.unsubscribeUrl + ">");
      message.addHeader("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
    }
    message.addHeader("X-Copilot-Mail-Id", mail.id.toString());
    Throwable failure = null;
    try {
      mailer.send(message).await().atMost(settings.timeout());
    } catch (RuntimeException e) {
      failure = rootOf(e);
    }
    if (failure == null) {
      settle(mail, null, false);
      return;
    }
    boolean permanent = failure instanceof SMTPException smtp && smtp.isPermanent();
    String error = cut(describe(failure));
    Optional<Duration> next = settle(mail, error, permanent);
    if (next.isPresent()) {
      LOG.infof("mail %s not taken (%s): again in %s", mail.id, error, next.get());
      throw new JobWorkers.RetryLater(next.get(), error);
    }
    LOG.warnf("mail %s to %s failed for good: %s", mail.id, mail.toAddress, error);
  }

  /** The invitation's link is completed only now; stored bodies keep the placeholder. */
  private String secretsIn(MailMessage mail, String body) {
    if (mail.sealedSecret == null) {
      return body;
    }
    String token = cipher.decrypt(mail.tenantId, mail.sealedSecret);
    return body.replace(
        MailComposer.TOKEN_PLACEHOLDER, URLEncoder.encode(token, StandardCharsets.UTF_8));
  }

  /**
   * Records the attempt: sent without an error; else failed when it is final or no retry is left,
   * or queued for the next attempt, whose delay is returned.
   */
  private Optional<Duration> settle(MailMessage sent, String error, boolean permanent) {
    return JobWorkers.awaitOnContext(
        () ->
            Panache.withTransaction(
                () ->
                    mails
                        .own(sent.tenantId, sent.id)
                        .map(
                            m -> {
                              if (m == null) {
                                return Optional.<Duration>empty();
                              }
                              OffsetDateTime now = now();
                              m.attempts++;
                              m.updatedAt = now;
                              if (error == null) {
                                m.status = MailMessage.SENT;
                                m.sentAt = now;
                                m.lastError = null;
                                return Optional.<Duration>empty();
                              }
                              m.lastError = error;
                              List<Duration> schedule = settings.retrySchedule();
                              if (permanent || m.attempts > schedule.size()) {
                                m.status = MailMessage.FAILED;
                                return Optional.<Duration>empty();
                              }
                              return Optional.of(schedule.get(m.attempts - 1));
                            })));
  }

  /** The queue gave up on the job: its mail failed, with the reason. */
  @Override
  public Uni<Void> dead(Job job, String reason) {
    LOG.warnf("mail job %s stopped: %s", job.id(), reason);
    UUID id = mailOf(job);
    return Panache.withTransaction(
        () ->
            mails
                .own(job.tenantId(), id)
                .invoke(
                    m -> {
                      if (m != null && MailMessage.QUEUED.equals(m.status)) {
                        m.status = MailMessage.FAILED;
                        m.lastError = cut(reason);
                        m.updatedAt = now();
                      }
                    })
                .replaceWithVoid());
  }

  private UUID mailOf(Job job) {
    try {
      return UUID.fromString(json.readTree(job.payload()).path("mail").asText());
    } catch (java.io.IOException | IllegalArgumentException e) {
      throw new IllegalStateException("not a mail job: " + job.payload(), e);
    }
  }

  private static Throwable rootOf(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t && !(t instanceof SMTPException)) {
      t = t.getCause();
    }
    return t;
  }

  private static String describe(Throwable t) {
    String message = t.getMessage();
    return message == null || message.isBlank() ? t.getClass().getSimpleName() : message;
  }

  private static String cut(String s) {
    return s == null || s.length() <= MAX_ERROR ? s : s.substring(0, MAX_ERROR);
  }

  private static OffsetDateTime now() {
    return OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
  }
}
