package io.smbcopilot.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.smbcopilot.testing.mail.Mailbox;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Notifications through the gateway on the whole platform (auth-service, ingestion-service and
 * notifications-service on the real Kafka, PostgreSQL, Keycloak and GreenMail): the sign-up's
 * welcome mail, the invitation mailed with a link that works, the admins told that someone joined,
 * the uploader told by mail that a document could not be indexed, and the mail's one-click
 * unsubscribe.
 */
class NotificationsAcceptanceTest {
  private static final Pattern ACCEPT =
      Pattern.compile("/accept-invitation\\?token=([A-Za-z0-9_%-]+)");

  @Test
  void anInvitationIsMailedAndItsLinkLetsTheInviteeJoin() throws Exception {
    Edge edge = Edge.get();
    int imap = Integer.parseInt(edge.state.get("smtp.imap-port"));
    Edge.User owner = edge.signup("Mail Bakery");
    List<Mailbox.Mail> welcome = awaitMail(imap, owner.email(), 1);
    assertThat(welcome.get(0).subject())
        .isEqualTo("[Mail Bakery] Welcome to SMB Copilot, Owner of Mail Bakery");

    String invitee = "invitee-" + UUID.randomUUID().toString().substring(0, 8) + "@edge.test";
    Edge.Response invited =
        edge.call(
            "POST",
            "/api/v1/members",
            owner.token(),
            "{\"email\":\"" + invitee + "\",\"role\":\"member\"}");
    assertThat(invited.status()).as(invited.body()).isEqualTo(201);

    Mailbox.Mail invitation = awaitMail(imap, invitee, 1).get(0);
    assertThat(invitation.subject()).endsWith("invited you to join Mail Bakery on SMB Copilot");
    Matcher link = ACCEPT.matcher(invitation.text());
    assertThat(link.find()).as(invitation.text()).isTrue();
    assertThat(invitation.text()).contains(edge.gateway + "/accept-invitation?token=");
    String token = java.net.URLDecoder.decode(link.group(1), StandardCharsets.UTF_8);
    assertThat(token).isEqualTo(invited.json().get("acceptToken").asText());

    // the link's token accepts the invitation: the invitee joins and can sign in
    Edge.Response accepted =
        edge.call(
            "POST",
            "/api/v1/invitations/accept",
            null,
            "{\"token\":\""
                + token
                + "\",\"password\":\""
                + Edge.PASSWORD
                + "\",\"displayName\":\"Ina Invitee\"}");
    assertThat(accepted.status()).as(accepted.body()).isEqualTo(201);
    assertThat(edge.password(invitee, Edge.PASSWORD)).isNotBlank();

    // the owner (an admin) is told in the app
    await()
        .alias("the owner is told that the invitee joined")
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> {
              Edge.Response feed = edge.call("GET", "/api/v1/notifications", owner.token(), null);
              for (JsonNode n : feed.json().get("items")) {
                if (n.get("kind").asText().equals("member.joined")
                    && n.get("title").asText().equals(invitee + " joined Mail Bakery")) {
                  return true;
                }
              }
              return false;
            });
    // and the inviter's mail log shows the invitation sent
    Edge.Response log =
        edge.call("GET", "/api/v1/notifications/emails?status=sent", owner.token(), null);
    assertThat(log.status()).as(log.body()).isEqualTo(200);
    assertThat(log.body()).contains("\"kind\":\"invitation\"").contains(invitee);
  }

  @Test
  void aFailedDocumentIsMailedToItsUploaderWhoUnsubscribesInOneClick() throws Exception {
    Edge edge = Edge.get();
    int imap = Integer.parseInt(edge.state.get("smtp.imap-port"));
    Edge.User owner = edge.signup("Mail Failures");
    awaitMail(imap, owner.email(), 1);
    // a damaged PDF cannot be indexed
    Edge.Response uploaded =
        KnowledgeAcceptanceTest.upload(
            edge,
            owner.token(),
            "damaged.pdf",
            ("%PDF-1.7\n" + "garbage ".repeat(2000)).getBytes(StandardCharsets.UTF_8));
    assertThat(uploaded.status()).as(uploaded.body()).isEqualTo(202);
    Mailbox.Mail failed = awaitMail(imap, owner.email(), 2).get(1);
    assertThat(failed.subject()).startsWith("[Mail Failures] ").endsWith("could not be indexed");
    assertThat(failed.text()).contains("damaged");
    String header = failed.headers().get("List-Unsubscribe");
    assertThat(header)
        .startsWith("<" + edge.gateway + "/api/v1/notification-preferences/unsubscribe?token=");
    String url = header.substring(1, header.length() - 1);

    // one click, through the gateway, without signing in
    Edge.Response page = Edge.send("GET", url, null);
    assertThat(page.status()).as(page.body()).isEqualTo(200);
    assertThat(page.body()).contains("<form method=\"post\">");
    Edge.Response done =
        Edge.send(
            "POST",
            url,
            "List-Unsubscribe=One-Click",
            "Content-Type",
            "application/x-www-form-urlencoded");
    assertThat(done.status()).as(done.body()).isEqualTo(200);
    assertThat(done.json().get("unsubscribed").asText()).isEqualTo("document.failed");
    Edge.Response prefs = edge.call("GET", "/api/v1/notification-preferences", owner.token(), null);
    assertThat(prefs.body()).contains("{\"kind\":\"document.failed\"");
    for (JsonNode k : prefs.json().get("kinds")) {
      if (k.get("kind").asText().equals("document.failed")) {
        assertThat(k.get("delivery").asText()).isEqualTo("in-app");
      }
    }
  }

  private static List<Mailbox.Mail> awaitMail(int imap, String address, int count) {
    Mailbox box = new Mailbox(imap, address);
    return await()
        .alias(count + " mail(s) to " + address)
        .atMost(Duration.ofSeconds(90))
        .until(box::read, m -> m.size() >= count);
  }
}
