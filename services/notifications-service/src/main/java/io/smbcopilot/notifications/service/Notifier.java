package io.smbcopilot.notifications.service;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.qute.Engine;
import io.smallrye.mutiny.Uni;
import io.smbcopilot.events.CloudEvent;
import io.smbcopilot.events.notifications.InvitationMailRequested;
import io.smbcopilot.notifications.domain.DirectoryMember;
import io.smbcopilot.notifications.domain.MailMessage;
import io.smbcopilot.notifications.domain.Notification;
import io.smbcopilot.notifications.domain.NotificationPreference;
import io.smbcopilot.notifications.kinds.NotificationKinds;
import io.smbcopilot.notifications.kinds.NotificationKinds.Kind;
import io.smbcopilot.notifications.mail.MailComposer;
import io.smbcopilot.notifications.mail.MailDeliveries;
import io.smbcopilot.notifications.mail.UnsubscribeTokens;
import io.smbcopilot.notifications.repository.DirectoryRepository;
import io.smbcopilot.notifications.repository.MailMessageRepository;
import io.smbcopilot.notifications.repository.NotificationRepository;
import io.smbcopilot.notifications.repository.PreferenceRepository;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Turns what happened into notifications, by the catalog ({@link NotificationKinds}): each kind an
 * event makes goes to its recipients, in the app, by email or both, as each recipient chose (else
 * the kind's default); a recipient with the daily digest on gets their email in it. Runs in the
 * caller's transaction (the inbox's, for events), so a notification and its mail are made once.
 */
@ApplicationScoped
public class Notifier {
  private static final Logger LOG = Logger.getLogger(Notifier.class);
  private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

  private final NotificationKinds kinds;
  private final ObjectMapper json;
  private final DirectoryRepository directory;
  private final PreferenceRepository preferences;
  private final NotificationRepository notifications;
  private final MailMessageRepository mails;
  private final MailDeliveries mail;
  private final MailComposer composer;
  private final UnsubscribeTokens tokens;
  private final Duration maxEventAge;

  public Notifier(
      ObjectMapper json,
      Engine engine,
      DirectoryRepository directory,
      PreferenceRepository preferences,
      NotificationRepository notifications,
      MailMessageRepository mails,
      MailDeliveries mail,
      MailComposer composer,
      UnsubscribeTokens tokens,
      @ConfigProperty(name = "copilot.notifications.max-event-age", defaultValue = "24h")
          Duration maxEventAge) {
    this.kinds = NotificationKinds.load(json, engine);
    this.json = json;
    this.directory = directory;
    this.preferences = preferences;
    this.notifications = notifications;
    this.mails = mails;
    this.mail = mail;
    this.composer = composer;
    this.tokens = tokens;
    this.maxEventAge = maxEventAge;
  }

  public NotificationKinds kinds() {
    return kinds;
  }

  /** The event's notifications, when it makes any; in the caller's transaction. */
  public Uni<Void> onEvent(CloudEvent event) {
    if (tooOld(event)) {
      return Uni.createFrom().voidItem(); // a consumer replaying history tells nobody about it
    }
    List<Kind> made = kinds.of(event.type(), event.data());
    if (made.isEmpty()) {
      return Uni.createFrom().voidItem();
    }
    UUID tenant = UUID.fromString(event.tenantId());
    Map<String, Object> data = json.convertValue(event.data(), MAP);
    Uni<Void> chain = Uni.createFrom().voidItem();
    for (Kind kind : made) {
      chain =
          chain.chain(
              () ->
                  recipients(kind, tenant, event.data())
                      .chain(users -> toEach(kind, tenant, users, data, event.id())));
    }
    return chain;
  }

  /**
   * A kind the service makes itself (no event), to its recipients by the catalog; in the caller's
   * transaction.
   */
  public Uni<Void> notify(String kindName, UUID tenant, Map<String, Object> data) {
    Kind kind =
        kinds.get(kindName).orElseThrow(() -> new IllegalArgumentException("no kind " + kindName));
    return recipients(kind, tenant, json.valueToTree(data))
        .chain(users -> toEach(kind, tenant, users, data, null));
  }

  /** The invitation's mail, with its acceptance link; in the caller's transaction. */
  public Uni<Void> invitation(InvitationMailRequested request, CloudEvent event) {
    OffsetDateTime expires = OffsetDateTime.parse(request.expiresAt());
    if (tooOld(event) || expires.isBefore(OffsetDateTime.now())) {
      return Uni.createFrom().voidItem();
    }
    UUID tenant = UUID.fromString(request.tenantId());
    return directory
        .tenantName(tenant)
        .chain(
            name ->
                directory
                    .member(tenant, request.invitedBy())
                    .chain(
                        inviter -> {
                          MailComposer.Composed c =
                              composer.invitation(
                                  name == null ? "a workspace" : name,
                                  nameOf(inviter),
                                  request.role(),
                                  expires);
                          MailMessage m = newMail(tenant, null, request.email(), "invitation", c);
                          m.requestedBy = request.invitedBy();
                          m.sealedSecret = request.sealedToken();
                          return mail.queue(m).replaceWithVoid();
                        }));
  }

  private boolean tooOld(CloudEvent event) {
    return event.time() != null
        && event.time().isBefore(OffsetDateTime.now(ZoneOffset.UTC).minus(maxEventAge));
  }

  private static String nameOf(DirectoryMember m) {
    if (m == null) {
      return "A colleague";
    }
    return m.displayName != null && !m.displayName.isBlank() ? m.displayName : m.email;
  }

  private Uni<List<String>> recipients(Kind kind, UUID tenant, JsonNode data) {
    if (kind.toField() != null) {
      String user = data.path(kind.toField()).asText("");
      return Uni.createFrom().item(user.isBlank() ? List.of() : List.of(user));
    }
    String except = kind.exceptField() == null ? "" : data.path(kind.exceptField()).asText("");
    return directory
        .withRoles(tenant, kind.toRoles(), kind.toPermission())
        .map(found -> found.stream().map(m -> m.userId).filter(u -> !u.equals(except)).toList());
  }

  private Uni<Void> toEach(
      Kind kind, UUID tenant, List<String> users, Map<String, Object> data, String eventId) {
    if (users.isEmpty()) {
      return Uni.createFrom().voidItem();
    }
    return directory
        .tenantName(tenant)
        .chain(
            name -> {
              String tenantName = name == null ? "SMB Copilot" : name;
              NotificationKinds.Words words = kind.render(data, tenantName);
              Uni<Void> chain = Uni.createFrom().voidItem();
              for (String user : users) {
                chain = chain.chain(() -> deliver(kind, tenant, tenantName, user, words, eventId));
              }
              return chain;
            });
  }

  private Uni<Void> deliver(
      Kind kind,
      UUID tenant,
      String tenantName,
      String user,
      NotificationKinds.Words words,
      String eventId) {
    return preferences
        .of(tenant, user)
        .chain(
            pref -> {
              String delivery = deliveryOf(pref, kind);
              Uni<Void> chain = Uni.createFrom().voidItem();
              if (delivery.equals("in-app") || delivery.equals("both")) {
                chain = chain.chain(() -> inApp(kind, tenant, user, words, eventId));
              }
              if (delivery.equals("email") || delivery.equals("both")) {
                chain = chain.chain(() -> email(kind, tenant, tenantName, user, words, pref));
              }
              return chain;
            });
  }

  /** Where this kind goes for this user: their choice, else the kind's default. */
  public String deliveryOf(NotificationPreference pref, Kind kind) {
    return choices(pref).getOrDefault(kind.kind(), kind.delivery());
  }

  /** The user's choices by kind (empty when they kept the defaults). */
  public Map<String, String> choices(NotificationPreference pref) {
    if (pref == null || pref.deliveries == null) {
      return Map.of();
    }
    try {
      Map<String, String> out = new java.util.LinkedHashMap<>();
      json.readTree(pref.deliveries)
          .properties()
          .forEach(e -> out.put(e.getKey(), e.getValue().asText()));
      return out;
    } catch (IOException e) {
      LOG.warnf("the preferences of %s cannot be read: %s", pref.userId, e);
      return Map.of();
    }
  }

  private Uni<Void> inApp(
      Kind kind, UUID tenant, String user, NotificationKinds.Words words, String eventId) {
    Notification n = new Notification();
    n.id = UUID.randomUUID();
    n.tenantId = tenant;
    n.userId = user;
    n.kind = kind.kind();
    n.title = words.title();
    n.body = words.body();
    n.link = words.link();
    n.sourceEventId = eventId;
    n.createdAt = now();
    return notifications.persist(n).replaceWithVoid();
  }

  private Uni<Void> email(
      Kind kind,
      UUID tenant,
      String tenantName,
      String user,
      NotificationKinds.Words words,
      NotificationPreference pref) {
    return directory
        .member(tenant, user)
        .chain(
            member -> {
              if (member == null) {
                LOG.debugf("no address is known for %s of %s: no mail", user, tenant);
                return Uni.createFrom().voidItem();
              }
              String unsubscribe = tokens.url(composer, tenant, user, kind.kind());
              MailComposer.Composed c =
                  composer.notification(
                      tenantName, words.title(), words.body(), words.link(), unsubscribe);
              MailMessage m = newMail(tenant, user, member.email, kind.kind(), c);
              m.title = words.title();
              m.body = words.body();
              m.link = words.link();
              m.unsubscribeUrl = unsubscribe;
              if (pref != null && pref.digestEnabled) {
                m.status = MailMessage.HELD;
                return mails.persist(m).replaceWithVoid();
              }
              return mail.queue(m).replaceWithVoid();
            });
  }

  private static MailMessage newMail(
      UUID tenant, String user, String to, String kind, MailComposer.Composed c) {
    OffsetDateTime now = now();
    MailMessage m = new MailMessage();
    m.id = UUID.randomUUID();
    m.tenantId = tenant;
    m.userId = user;
    m.toAddress = to;
    m.kind = kind;
    m.subject = c.subject();
    m.textBody = c.text();
    m.htmlBody = c.html();
    m.createdAt = now;
    m.updatedAt = now;
    return m;
  }

  /** Every kind with this user's choice. */
  public List<Map.Entry<Kind, String>> choicesOf(NotificationPreference pref) {
    List<Map.Entry<Kind, String>> out = new ArrayList<>();
    for (Kind k : kinds.all()) {
      out.add(Map.entry(k, deliveryOf(pref, k)));
    }
    return out;
  }

  static OffsetDateTime now() {
    return OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
  }
}
