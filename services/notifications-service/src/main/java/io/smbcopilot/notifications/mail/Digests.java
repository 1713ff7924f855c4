package io.smbcopilot.notifications.mail;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.smbcopilot.notifications.domain.MailMessage;
import io.smbcopilot.notifications.domain.NotificationPreference;
import io.smbcopilot.notifications.repository.DirectoryRepository;
import io.smbcopilot.notifications.repository.MailMessageRepository;
import io.smbcopilot.notifications.repository.PreferenceRepository;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * The daily digest: every {@code copilot.mail.digest-every}, the users whose chosen hour has come
 * in their time zone and who had no digest that local day get one mail gathering the email
 * notifications held for them (none held: no mail). Users are locked while their digest is made
 * ({@code FOR UPDATE SKIP LOCKED}), so replicas never send one twice; the digest is queued like any
 * mail, in the transaction that marks its notifications digested and the day done.
 */
@ApplicationScoped
public class Digests {
  private static final Logger LOG = Logger.getLogger(Digests.class);
  private static final int BATCH = 50;

  private final PreferenceRepository preferences;
  private final MailMessageRepository mails;
  private final DirectoryRepository directory;
  private final MailComposer composer;
  private final UnsubscribeTokens tokens;
  private final MailDeliveries delivery;

  public Digests(
      PreferenceRepository preferences,
      MailMessageRepository mails,
      DirectoryRepository directory,
      MailComposer composer,
      UnsubscribeTokens tokens,
      MailDeliveries delivery) {
    this.preferences = preferences;
    this.mails = mails;
    this.directory = directory;
    this.composer = composer;
    this.tokens = tokens;
    this.delivery = delivery;
  }

  @Scheduled(
      every = "${copilot.mail.digest-every}",
      delayed = "10s",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  Uni<Void> scheduled() {
    return run()
        .onFailure()
        .recoverWithItem(
            e -> {
              LOG.warnf("digests could not be made now: %s", e.toString());
              return 0;
            })
        .replaceWithVoid();
  }

  /** Makes every due digest; returns how many mails were queued. */
  public Uni<Integer> run() {
    return batch()
        .chain(
            made ->
                made.due() < BATCH
                    ? Uni.createFrom().item(made.queued())
                    : run().map(more -> more + made.queued()));
  }

  private record Batch(int due, int queued) {}

  private Uni<Batch> batch() {
    return Panache.withTransaction(
            () ->
                preferences
                    .dueDigests(BATCH)
                    .chain(
                        due -> {
                          Uni<Integer> chain = Uni.createFrom().item(0);
                          for (PreferenceRepository.Due d : due) {
                            chain = chain.chain(n -> digest(d).map(q -> n + (q ? 1 : 0)));
                          }
                          return chain.map(queued -> new Batch(due.size(), queued));
                        }))
        .invoke(
            b -> {
              if (b.queued() > 0) {
                delivery.wake();
              }
            });
  }

  /** One user's digest, when something is held for them; the day is done either way. */
  private Uni<Boolean> digest(PreferenceRepository.Due due) {
    return preferences
        .of(due.tenantId(), due.userId())
        .chain(
            pref ->
                mails
                    .held(due.tenantId(), due.userId())
                    .chain(
                        held -> {
                          pref.digestSentOn = due.localDate();
                          if (held.isEmpty()) {
                            return Uni.createFrom().item(false);
                          }
                          return directory
                              .member(due.tenantId(), due.userId())
                              .chain(
                                  member ->
                                      member == null
                                          ? Uni.createFrom().item(false)
                                          : queue(due, pref, member.email, held));
                        }));
  }

  private Uni<Boolean> queue(
      PreferenceRepository.Due due,
      NotificationPreference pref,
      String address,
      List<MailMessage> held) {
    return directory
        .tenantName(due.tenantId())
        .chain(
            name -> {
              String unsubscribe =
                  tokens.url(composer, due.tenantId(), due.userId(), UnsubscribeTokens.ALL);
              MailComposer.Composed c =
                  composer.digest(
                      name == null ? "SMB Copilot" : name,
                      held,
                      pref.digestHour,
                      pref.timeZone,
                      unsubscribe);
              OffsetDateTime now =
                  OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
              MailMessage digest = new MailMessage();
              digest.id = UUID.randomUUID();
              digest.tenantId = due.tenantId();
              digest.userId = due.userId();
              digest.toAddress = address;
              digest.kind = "digest";
              digest.subject = c.subject();
              digest.textBody = c.text();
              digest.htmlBody = c.html();
              digest.unsubscribeUrl = unsubscribe;
              digest.createdAt = now;
              digest.updatedAt = now;
              for (MailMessage m : held) {
                m.status = MailMessage.DIGESTED;
                m.digestId = digest.id;
                m.updatedAt = now;
              }
              return delivery.queue(digest).replaceWith(true);
            });
  }
}
