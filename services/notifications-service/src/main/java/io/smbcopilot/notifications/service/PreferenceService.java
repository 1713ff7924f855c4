package io.smbcopilot.notifications.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.smbcopilot.notifications.domain.MailMessage;
import io.smbcopilot.notifications.domain.NotificationPreference;
import io.smbcopilot.notifications.kinds.NotificationKinds;
import io.smbcopilot.notifications.mail.MailDeliveries;
import io.smbcopilot.notifications.mail.UnsubscribeTokens;
import io.smbcopilot.notifications.repository.MailMessageRepository;
import io.smbcopilot.notifications.repository.PreferenceRepository;
import io.smbcopilot.problem.Problem;
import io.smbcopilot.problem.ProblemException;
import io.smbcopilot.problem.ProblemType;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Users' notification choices: per kind, where it goes; the daily digest; unsubscribing. */
@ApplicationScoped
public class PreferenceService {
  /** A user's choices, every kind named. */
  public record Choices(
      List<KindChoice> kinds, boolean digestEnabled, int digestHour, String timeZone) {}

  public record KindChoice(
      String kind, String description, String delivery, String defaultDelivery) {}

  /**
   * A change: kinds named get the delivery given (null: back to the default); digest fields set.
   */
  public record Change(
      Map<String, String> kinds, Boolean digestEnabled, Integer digestHour, String timeZone) {}

  private final PreferenceRepository preferences;
  private final MailMessageRepository mails;
  private final MailDeliveries delivery;
  private final Notifier notifier;
  private final UnsubscribeTokens tokens;
  private final ObjectMapper json;

  public PreferenceService(
      PreferenceRepository preferences,
      MailMessageRepository mails,
      MailDeliveries delivery,
      Notifier notifier,
      UnsubscribeTokens tokens,
      ObjectMapper json) {
    this.preferences = preferences;
    this.mails = mails;
    this.delivery = delivery;
    this.notifier = notifier;
    this.tokens = tokens;
    this.json = json;
  }

  public Uni<Choices> get(UUID tenantId, String userId) {
    return Panache.withSession(() -> preferences.of(tenantId, userId)).map(this::view);
  }

  /**
   * Applies the change, checked whole before anything is stored. Turning the digest off sends what
   * it held one by one.
   */
  public Uni<Choices> change(UUID tenantId, String userId, Change change) {
    List<Problem.FieldError> errors = check(change);
    if (!errors.isEmpty()) {
      return Uni.createFrom()
          .failure(
              new ProblemException(
                  ProblemType.VALIDATION, "the preferences are not valid", errors));
    }
    return Panache.withTransaction(
            () ->
                preferences
                    .of(tenantId, userId)
                    .chain(
                        found -> {
                          NotificationPreference p =
                              found == null ? fresh(tenantId, userId) : found;
                          boolean wasDigest = p.digestEnabled;
                          Map<String, String> chosen = new LinkedHashMap<>(notifier.choices(p));
                          if (change.kinds() != null) {
                            change
                                .kinds()
                                .forEach(
                                    (kind, d) -> {
                                      if (d == null) {
                                        chosen.remove(kind);
                                      } else {
                                        chosen.put(kind, d);
                                      }
                                    });
                          }
                          p.deliveries = write(chosen);
                          if (change.digestEnabled() != null) {
                            p.digestEnabled = change.digestEnabled();
                          }
                          if (change.digestHour() != null) {
                            p.digestHour = change.digestHour();
                          }
                          if (change.timeZone() != null) {
                            p.timeZone = change.timeZone();
                          }
                          firstDigestNotToday(p);
                          p.updatedAt = Notifier.now();
                          Uni<Void> saved =
                              found == null
                                  ? preferences.persist(p).replaceWithVoid()
                                  : Uni.createFrom().voidItem();
                          if (wasDigest && !p.digestEnabled) {
                            saved = saved.chain(() -> releaseHeld(tenantId, userId));
                          }
                          return saved.replaceWith(p);
                        }))
        .invoke(delivery::wake)
        .map(this::view);
  }

  /** What a token stops: one kind's email, or every email and the digest ({@code all}). */
  public record Unsubscribed(String kind, Choices choices) {}

  /** The one-click unsubscribe of a mail's link; a bad token is a 404 and changes nothing. */
  public Uni<Unsubscribed> unsubscribe(String token) {
    UnsubscribeTokens.Target target =
        tokens
            .read(token)
            .orElseThrow(
                () ->
                    new ProblemException(
                        ProblemType.NOT_FOUND, "this unsubscribe link is not one we sent"));
    return Panache.withTransaction(
            () ->
                preferences
                    .of(target.tenantId(), target.userId())
                    .chain(
                        found -> {
                          NotificationPreference p =
                              found == null ? fresh(target.tenantId(), target.userId()) : found;
                          Map<String, String> chosen = new LinkedHashMap<>(notifier.choices(p));
                          boolean all = UnsubscribeTokens.ALL.equals(target.kind());
                          for (NotificationKinds.Kind k : notifier.kinds().all()) {
                            if (all || k.kind().equals(target.kind())) {
                              chosen.put(k.kind(), withoutEmail(notifier.deliveryOf(p, k)));
                            }
                          }
                          p.deliveries = write(chosen);
                          Uni<Void> saved =
                              found == null
                                  ? preferences.persist(p).replaceWithVoid()
                                  : Uni.createFrom().voidItem();
                          if (all && p.digestEnabled) {
                            p.digestEnabled = false;
                            saved =
                                saved.chain(() -> cancelHeld(target.tenantId(), target.userId()));
                          }
                          p.updatedAt = Notifier.now();
                          return saved.replaceWith(p);
                        }))
        .map(p -> new Unsubscribed(target.kind(), view(p)));
  }

  /** The description of what a token stops, for the confirmation page; empty when it is bad. */
  public java.util.Optional<String> describe(String token) {
    return tokens
        .read(token)
        .map(
            t ->
                UnsubscribeTokens.ALL.equals(t.kind())
                    ? "every email from SMB Copilot, and the daily digest"
                    : notifier
                        .kinds()
                        .get(t.kind())
                        .map(
                            k ->
                                "emails when: "
                                    + k.description().toLowerCase(java.util.Locale.ROOT))
                        .orElse("these emails"));
  }

  private static String withoutEmail(String delivery) {
    return switch (delivery) {
      case "both" -> "in-app";
      case "email" -> "none";
      default -> delivery;
    };
  }

  private Uni<Void> releaseHeld(UUID tenantId, String userId) {
    return mails
        .held(tenantId, userId)
        .chain(
            held -> {
              Uni<Void> chain = Uni.createFrom().voidItem();
              for (MailMessage m : held) {
                m.status = MailMessage.QUEUED;
                m.updatedAt = Notifier.now();
                chain = chain.chain(() -> delivery.enqueue(m).replaceWithVoid());
              }
              return chain;
            });
  }

  private Uni<Void> cancelHeld(UUID tenantId, String userId) {
    return mails
        .held(tenantId, userId)
        .invoke(
            held ->
                held.forEach(
                    m -> {
                      m.status = MailMessage.CANCELLED;
                      m.lastError = "the user unsubscribed before the digest went out";
                      m.updatedAt = Notifier.now();
                    }))
        .replaceWithVoid();
  }

  /**
   * A digest turned on (or moved) after its hour has passed today waits for tomorrow, rather than
   * going out at once.
   */
  private static void firstDigestNotToday(NotificationPreference p) {
    if (!p.digestEnabled) {
      return;
    }
    ZonedDateTime local = ZonedDateTime.now(ZoneId.of(p.timeZone));
    LocalDate today = local.toLocalDate();
    if (local.getHour() >= p.digestHour
        && (p.digestSentOn == null || p.digestSentOn.isBefore(today))) {
      p.digestSentOn = today;
    }
  }

  private List<Problem.FieldError> check(Change change) {
    List<Problem.FieldError> errors = new ArrayList<>();
    if (change == null) {
      errors.add(new Problem.FieldError("", "a body is needed"));
      return errors;
    }
    if (change.kinds() != null) {
      change
          .kinds()
          .forEach(
              (kind, d) -> {
                if (notifier.kinds().get(kind).isEmpty()) {
                  errors.add(new Problem.FieldError("kinds." + kind, "no such kind"));
                } else if (d != null && !NotificationKinds.DELIVERIES.contains(d)) {
                  errors.add(
                      new Problem.FieldError(
                          "kinds." + kind, "one of in-app, email, both, none (or null)"));
                }
              });
    }
    if (change.digestHour() != null && (change.digestHour() < 0 || change.digestHour() > 23)) {
      errors.add(new Problem.FieldError("digest.hour", "0 to 23"));
    }
    if (change.timeZone() != null && !ZoneId.getAvailableZoneIds().contains(change.timeZone())) {
      errors.add(
          new Problem.FieldError(
              "digest.timeZone", "an IANA time zone name, such as Europe/Paris"));
    }
    return errors;
  }

  private NotificationPreference fresh(UUID tenantId, String userId) {
    NotificationPreference p = new NotificationPreference();
    p.tenantId = tenantId;
    p.userId = userId;
    p.deliveries = "{}";
    p.digestHour = 8;
    p.timeZone = "UTC";
    return p;
  }

  private String write(Map<String, String> chosen) {
    ObjectNode node = json.createObjectNode();
    chosen.forEach(node::put);
    return node.toString();
  }

  private Choices view(NotificationPreference p) {
    List<KindChoice> kinds = new ArrayList<>();
    for (Map.Entry<NotificationKinds.Kind, String> e : notifier.choicesOf(p)) {
      NotificationKinds.Kind k = e.getKey();
      kinds.add(new KindChoice(k.kind(), k.description(), e.getValue(), k.delivery()));
    }
    return p == null
        ? new Choices(kinds, false, 8, "UTC")
        : new Choices(kinds, p.digestEnabled, p.digestHour, p.timeZone);
  }
}
