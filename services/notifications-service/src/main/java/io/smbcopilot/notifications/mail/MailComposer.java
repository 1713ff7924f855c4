package io.smbcopilot.notifications.mail;

import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import io.smbcopilot.notifications.domain.MailMessage;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The words of every mail, from the Qute templates in {@code templates/mail} (a text and an HTML
 * part each): links lead into the dashboard at {@code copilot.public-url}.
 */
@ApplicationScoped
public class MailComposer {
  /** Stands for an invitation's token in stored bodies; replaced as the mail goes out. */
  public static final String TOKEN_PLACEHOLDER = "__INVITATION_TOKEN__";

  /** A mail's subject and parts. */
  public record Composed(String subject, String text, String html) {}

  /** One line of a digest. */
  public record Item(String title, String body, String link) {}

  @Inject
  @Location("mail/notification.txt")
  Template notificationText;

  @Inject
  @Location("mail/notification.html")
  Template notificationHtml;

  @Inject
  @Location("mail/digest.txt")
  Template digestText;

  @Inject
  @Location("mail/digest.html")
  Template digestHtml;

  @Inject
  @Location("mail/invitation.txt")
  Template invitationText;

  @Inject
  @Location("mail/invitation.html")
  Template invitationHtml;

  @ConfigProperty(name = "copilot.public-url", defaultValue = "http://localhost:8080")
  String publicUrl;

  /** The dashboard's address of a path ({@code /documents/...}); null stays null. */
  public String url(String path) {
    if (path == null || path.isBlank()) {
      return null;
    }
    if (path.startsWith("http://") || path.startsWith("https://")) {
      return path;
    }
    return base() + (path.startsWith("/") ? path : "/" + path);
  }

  /** The API's one-click unsubscribe address (RFC 8058) for a token. */
  public String unsubscribeUrl(String token) {
    return base() + "/api/v1/notification-preferences/unsubscribe?token=" + token;
  }

  public String preferencesUrl() {
    return base() + "/settings/notifications";
  }

  public Composed notification(
      String tenant, String title, String body, String link, String unsubscribeUrl) {
    Map<String, Object> data =
        values(
            "tenant",
            tenant,
            "title",
            title,
            "body",
            body,
            "link",
            url(link),
            "unsubscribeUrl",
            unsubscribeUrl == null ? preferencesUrl() : unsubscribeUrl,
            "preferencesUrl",
            preferencesUrl());
    return new Composed(
        "[" + tenant + "] " + title,
        notificationText.data(data).render(),
        notificationHtml.data(data).render());
  }

  public Composed digest(
      String tenant, List<MailMessage> held, int hour, String timeZone, String unsubscribeUrl) {
    List<Item> items = held.stream().map(m -> new Item(m.title, m.body, url(m.link))).toList();
    Map<String, Object> data =
        values(
            "tenant",
            tenant,
            "items",
            items,
            "hour",
            String.format(Locale.ROOT, "%02d", hour),
            "timeZone",
            timeZone,
            "unsubscribeUrl",
            unsubscribeUrl == null ? preferencesUrl() : unsubscribeUrl,
            "preferencesUrl",
            preferencesUrl());
    String count = items.size() == 1 ? "1 notification" : items.size() + " notifications";
    return new Composed(
        "[" + tenant + "] Your daily digest: " + count,
        digestText.data(data).render(),
        digestHtml.data(data).render());
  }

  /** An invitation: its acceptance link carries {@link #TOKEN_PLACEHOLDER}. */
  public Composed invitation(String tenant, String inviter, String role, OffsetDateTime expiresAt) {
    Map<String, Object> data =
        values(
            "tenant", tenant,
            "inviter", inviter,
            "role", role,
            "acceptUrl", base() + "/accept-invitation?token=" + TOKEN_PLACEHOLDER,
            "expires",
                expiresAt.format(
                    DateTimeFormatter.ofPattern("d MMMM yyyy, HH:mm 'UTC'", Locale.ENGLISH)));
    return new Composed(
        inviter + " invited you to join " + tenant + " on SMB Copilot",
        invitationText.data(data).render(),
        invitationHtml.data(data).render());
  }

  private String base() {
    return publicUrl.endsWith("/") ? publicUrl.substring(0, publicUrl.length() - 1) : publicUrl;
  }

  private static Map<String, Object> values(Object... pairs) {
    Map<String, Object> map = new java.util.HashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      map.put((String) pairs[i], pairs[i + 1]);
    }
    return map;
  }
}
