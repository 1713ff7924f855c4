package io.smbcopilot.notifications.mail;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.vertx.VertxContextSupport;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.smbcopilot.devstack.DevStackResource;
import io.smbcopilot.events.EventType;
import io.smbcopilot.events.documents.DocumentFailed;
import io.smbcopilot.events.documents.DocumentIndexed;
import io.smbcopilot.events.identity.TenantCreated;
import io.smbcopilot.events.notifications.InvitationMailRequested;
import io.smbcopilot.security.SecretCipher;
import io.smbcopilot.testing.InternalTokenResource;
import io.smbcopilot.testing.TestTokens;
import io.smbcopilot.testing.mail.Mailbox;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * Email on the real Kafka, PostgreSQL and SMTP server (GreenMail, read back over IMAP): the welcome
 * mail with its text and HTML parts and its one-click unsubscribe; preferences per kind honoured;
 * the daily digest; the invitation's acceptance link, whose token is never stored in clear.
 */
@QuarkusTest
@TestProfile(MailTest.Profile.class)
@WithTestResource(InternalTokenResource.class)
@WithTestResource(
    value = DevStackResource.class,
    initArgs = {
      @ResourceArg(name = "service", value = "notifications-service"),
      @ResourceArg(name = "components", value = "postgres,kafka,smtp")
    })
class MailTest {
  static final String KEY = "mail-test-" + UUID.randomUUID();

  public static class Profile implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "copilot.secrets.encryption-key", KEY,
          "copilot.public-url", "https://app.example.test",
          "copilot.mail.digest-every", "off");
    }
  }

  @ConfigProperty(name = "kafka.bootstrap.servers")
  String bootstrap;

  @ConfigProperty(name = "copilot.smtp.imap-port")
  int imapPort;

  @Inject Pool pool;
  @Inject Digests digests;

  @Test
  void aNewOwnerIsWelcomedByMailWithTextAndHtmlAndCanUnsubscribeInOneClick() throws Exception {
    UUID tenant = UUID.randomUUID();
    String owner = "owner-" + UUID.randomUUID();
    String email = owner + "@acme.test";
    Events.send(
        bootstrap,
        EventType.TENANT_CREATED,
        tenant,
        new TenantCreated(tenant.toString(), "Acme Bakery", owner, email, "Olga Owner"));
    Mailbox.Mail welcome = awaitMails(email, 1).get(0);
    assertThat(welcome.subject()).isEqualTo("[Acme Bakery] Welcome to SMB Copilot, Olga Owner");
    assertThat(welcome.contentType()).startsWith("multipart/alternative");
    assertThat(welcome.text())
        .contains("Acme Bakery is ready.")
        .contains("Open it: https://app.example.test/documents");
    assertThat(welcome.html())
        .contains("<h1")
        .contains("href=\"https://app.example.test/documents\"")
        .contains("Acme Bakery");
    assertThat(welcome.headers().get("List-Unsubscribe-Post"))
        .isEqualTo("List-Unsubscribe=One-Click");
    String header = welcome.headers().get("List-Unsubscribe");
    assertThat(header)
        .startsWith("<https://app.example.test/api/v1/notification-preferences/unsubscribe?token=");
    String token = header.substring(header.indexOf("token=") + 6, header.length() - 1);
    assertThat(welcome.text()).contains(token);

    String userToken = token(tenant, owner);
    JsonPath sent =
        await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> emails(userToken, ""), p -> "sent".equals(p.getString("items[0].status")));
    assertThat(sent.getString("items[0].kind")).isEqualTo("welcome");
    assertThat(sent.getString("items[0].status")).isEqualTo("sent");
    assertThat(sent.getInt("items[0].attempts")).isEqualTo(1);
    assertThat(delivery(userToken, "welcome")).isEqualTo("both");

    // the link's page asks first: a GET (a mail scanner's) changes nothing
    given()
        .header("Authorization", "Bearer " + TestTokens.get().anonymous())
        .get("/api/v1/notification-preferences/unsubscribe?token=" + token)
        .then()
        .statusCode(200)
        .contentType(containsString("text/html"))
        .body(containsString("<form method=\"post\">"))
        .body(containsString("your business's workspace is ready"));
    assertThat(delivery(userToken, "welcome")).isEqualTo("both");

    // a forged or altered token is refused and changes nothing
    String altered = (token.charAt(0) == 'A' ? "B" : "A") + token.substring(1);
    for (String bad : List.of("nonsense", altered, token + "x", "")) {
      given()
          .header("Authorization", "Bearer " + TestTokens.get().anonymous())
          .post("/api/v1/notification-preferences/unsubscribe?token=" + bad)
          .then()
          .statusCode(404)
          .contentType("application/problem+json");
    }
    assertThat(delivery(userToken, "welcome")).isEqualTo("both");

    // one click (RFC 8058: a form post without sign-in): the welcome's email stops, in-app stays
    given()
        .header("Authorization", "Bearer " + TestTokens.get().anonymous())
        .contentType(ContentType.URLENC)
        .formParam("List-Unsubscribe", "One-Click")
        .post("/api/v1/notification-preferences/unsubscribe?token=" + token)
        .then()
        .statusCode(200)
        .body("unsubscribed", equalTo("welcome"));
    assertThat(delivery(userToken, "welcome")).isEqualTo("in-app");
    assertThat(delivery(userToken, "document.failed")).isEqualTo("both");
  }

  @Test
  void eachKindGoesWhereItsUserChose() throws Exception {
    Owner o = newTenant("Choosy Ltd", "Cleo Choosy");
    UUID tenant = o.tenant();
    String owner = o.user();
    String email = o.email();
    String userToken = token(tenant, owner);
    patch(
            userToken,
            "{\"kinds\": {\"document.indexed\": \"email\", \"document.failed\": \"none\"}}")
        .statusCode(200)
        .body("kinds.find { it.kind == 'document.indexed' }.delivery", equalTo("email"))
        .body("kinds.find { it.kind == 'document.indexed' }.defaultDelivery", equalTo("in-app"))
        .body("kinds.find { it.kind == 'document.failed' }.delivery", equalTo("none"));

    Events.send(
        bootstrap,
        EventType.DOCUMENT_FAILED,
        tenant,
        new DocumentFailed(
            tenant.toString(), UUID.randomUUID().toString(), "it is encrypted", owner, "Vault"));
    Events.send(
        bootstrap,
        EventType.DOCUMENT_INDEXED,
        tenant,
        new DocumentIndexed(
            tenant.toString(), UUID.randomUUID().toString(), "c", 12, owner, "Price list"));
    List<Mailbox.Mail> mails = awaitMails(email, 2);
    assertThat(mails.get(1).subject()).isEqualTo("[Choosy Ltd] Price list is ready");
    assertThat(mails.get(1).text()).contains("indexed as 12 passages");
    // email only: the feed holds the welcome alone; the failure (none) made nothing anywhere
    await()
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(10))
        .until(() -> feedKinds(userToken).equals(List.of("welcome")) && mails(email) == 2);

    // back to the default (in-app): a notification, no mail
    patch(userToken, "{\"kinds\": {\"document.indexed\": null}}")
        .statusCode(200)
        .body("kinds.find { it.kind == 'document.indexed' }.delivery", equalTo("in-app"));
    Events.send(
        bootstrap,
        EventType.DOCUMENT_INDEXED,
        tenant,
        new DocumentIndexed(
            tenant.toString(), UUID.randomUUID().toString(), "c", 3, owner, "Menu"));
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> feedKinds(userToken).equals(List.of("document.indexed", "welcome")));
    await()
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(10))
        .until(() -> mails(email) == 2);
  }

  @Test
  void badPreferencesAreProblemsNamingTheFieldAndChangeNothing() {
    UUID tenant = UUID.randomUUID();
    String userToken = token(tenant, "user-" + UUID.randomUUID());
    String before =
        given()
            .header("Authorization", "Bearer " + userToken)
            .get("/api/v1/notification-preferences")
            .then()
            .statusCode(200)
            .extract()
            .asString();
    Map<String, String> bad =
        Map.of(
            "{\"kinds\": {\"nope\": \"email\"}}", "kinds.nope",
            "{\"kinds\": {\"document.indexed\": \"sms\"}}", "kinds.document.indexed",
            "{\"kinds\": {\"document.indexed\": \"email\"}, \"digest\": {\"hour\": 24}}",
                "digest.hour",
            "{\"digest\": {\"enabled\": true, \"timeZone\": \"Mars/Olympus\"}}", "digest.timeZone");
    bad.forEach(
        (body, field) ->
            patch(userToken, body)
                .statusCode(400)
                .contentType("application/problem+json")
                .body("errors[0].field", equalTo(field)));
    patch(userToken, "{\"sms\": true}").statusCode(400).contentType("application/problem+json");
    given()
        .header("Authorization", "Bearer " + userToken)
        .get("/api/v1/notification-preferences")
        .then()
        .statusCode(200)
        .body(equalTo(before));
    given()
        .header("Authorization", "Bearer " + userToken)
        .get("/api/v1/notifications/emails?status=lost")
        .then()
        .statusCode(400)
        .body("errors[0].field", equalTo("status"));
  }

  @Test
  void theDailyDigestGathersTheDaysMailIntoOneAtTheChosenHour() throws Exception {
    Owner o = newTenant("Daily Co", "Dana Daily");
    UUID tenant = o.tenant();
    String owner = o.user();
    String email = o.email();
    String userToken = token(tenant, owner);
    // the digest at this very hour in Tokyo: it is past, so the first digest is tomorrow's
    int hour = ZonedDateTime.now(ZoneId.of("Asia/Tokyo")).getHour();
    patch(
            userToken,
            "{\"digest\": {\"enabled\": true, \"hour\": "
                + hour
                + ", \"timeZone\": \"Asia/Tokyo\"}}")
        .statusCode(200)
        .body("digest.enabled", equalTo(true))
        .body("digest.hour", equalTo(hour))
        .body("digest.timeZone", equalTo("Asia/Tokyo"));

    for (String title : List.of("Contract A", "Contract B")) {
      Events.send(
          bootstrap,
          EventType.DOCUMENT_FAILED,
          tenant,
          new DocumentFailed(
              tenant.toString(), UUID.randomUUID().toString(), "no text in it", owner, title));
    }
    // in the app at once; by email held for the digest
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> emails(userToken, "?status=held").getList("items").size() == 2);
    assertThat(feedKinds(userToken))
        .containsExactly("document.failed", "document.failed", "welcome");
    assertThat(run()).as("the digest of today was already due when it was turned on").isZero();
    assertThat(mails(email)).isEqualTo(1);

    // the next day at that hour (the clock moved by a day)
    execute(
        "UPDATE notifications_service.notification_preference SET digest_sent_on = digest_sent_on - 1"
            + " WHERE tenant_id = $1 AND user_id = $2",
        tenant,
        owner);
    assertThat(run()).isEqualTo(1);
    List<Mailbox.Mail> mails = awaitMails(email, 2);
    Mailbox.Mail digest = mails.get(1);
    assertThat(digest.subject()).isEqualTo("[Daily Co] Your daily digest: 2 notifications");
    assertThat(digest.text())
        .contains("Contract A could not be indexed")
        .contains("Contract B could not be indexed")
        .contains("https://app.example.test/documents/")
        .contains(String.format("%02d:00 (Asia/Tokyo)", hour));
    assertThat(digest.html()).contains("Contract A could not be indexed");
    assertThat(digest.headers().get("List-Unsubscribe")).contains("token=");
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> emails(userToken, "?status=digested").getList("items").size() == 2);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> emails(userToken, "?status=sent").getList("items.kind", String.class),
            kinds -> kinds.equals(List.of("digest", "welcome")));
    // once a day
    assertThat(run()).isZero();

    // unsubscribing from the digest stops every email and the digest; what it held is cancelled
    Events.send(
        bootstrap,
        EventType.DOCUMENT_FAILED,
        tenant,
        new DocumentFailed(tenant.toString(), UUID.randomUUID().toString(), "x", owner, "C"));
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> emails(userToken, "?status=held").getList("items").size() == 1);
    String header = digest.headers().get("List-Unsubscribe");
    String token = header.substring(header.indexOf("token=") + 6, header.length() - 1);
    given()
        .header("Authorization", "Bearer " + TestTokens.get().anonymous())
        .post("/api/v1/notification-preferences/unsubscribe?token=" + token)
        .then()
        .statusCode(200)
        .body("unsubscribed", equalTo("all"))
        .body("preferences.digest.enabled", equalTo(false))
        .body("preferences.kinds.find { it.kind == 'document.failed' }.delivery", equalTo("in-app"))
        .body(
            "preferences.kinds.find { it.kind == 'document.indexed' }.delivery", equalTo("in-app"));
    assertThat(emails(userToken, "?status=cancelled").getList("items")).hasSize(1);
    assertThat(emails(userToken, "?status=held").getList("items")).isEmpty();
  }

  @Test
  void aUserWhoseHourHasNotComeGetsNoDigestYet() throws Exception {
    Owner o = newTenant("Later Ltd", "Lee Later");
    UUID tenant = o.tenant();
    String owner = o.user();
    String email = o.email();
    String userToken = token(tenant, owner);
    // a zone where it is not yet 23:00, the digest at the next hour there
    String zone =
        List.of("UTC", "Asia/Tokyo", "America/New_York").stream()
            .filter(z -> ZonedDateTime.now(ZoneId.of(z)).getHour() < 22)
            .findFirst()
            .orElseThrow();
    int next = ZonedDateTime.now(ZoneId.of(zone)).getHour() + 1;
    patch(
            userToken,
            "{\"digest\": {\"enabled\": true, \"hour\": "
                + next
                + ", \"timeZone\": \""
                + zone
                + "\"}}")
        .statusCode(200);
    Events.send(
        bootstrap,
        EventType.DOCUMENT_FAILED,
        tenant,
        new DocumentFailed(tenant.toString(), UUID.randomUUID().toString(), "x", owner, "Notes"));
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> emails(userToken, "?status=held").getList("items").size() == 1);
    run();
    assertThat(emails(userToken, "?status=held").getList("items")).hasSize(1);

    // turning the digest off sends what it held, one by one
    patch(userToken, "{\"digest\": {\"enabled\": false}}").statusCode(200);
    List<Mailbox.Mail> mails = awaitMails(email, 2);
    assertThat(mails.get(1).subject()).isEqualTo("[Later Ltd] Notes could not be indexed");
  }

  @Test
  void anInvitationIsMailedWithItsAcceptanceLinkAndItsTokenIsNeverStoredInClear() throws Exception {
    UUID tenant = UUID.randomUUID();
    String owner = "owner-" + UUID.randomUUID();
    Events.send(
        bootstrap,
        EventType.TENANT_CREATED,
        tenant,
        new TenantCreated(
            tenant.toString(), "Invite Co", owner, owner + "@acme.test", "Ivy Inviter"));
    awaitMails(owner + "@acme.test", 1);
    String invitee = "new-" + UUID.randomUUID() + "@example.test";
    String acceptToken = "tok_" + UUID.randomUUID().toString().replace("-", "");
    String sealed = new SecretCipher(Optional.of(KEY)).encrypt(tenant, acceptToken);
    Events.send(
        bootstrap,
        EventType.INVITATION_MAIL_REQUESTED,
        tenant,
        new InvitationMailRequested(
            tenant.toString(),
            UUID.randomUUID().toString(),
            invitee,
            "member",
            owner,
            OffsetDateTime.now(ZoneOffset.UTC).plusDays(7).toString(),
            sealed));
    Mailbox.Mail mail = awaitMails(invitee, 1).get(0);
    assertThat(mail.subject())
        .isEqualTo("Ivy Inviter invited you to join Invite Co on SMB Copilot");
    assertThat(mail.text())
        .contains("https://app.example.test/accept-invitation?token=" + acceptToken)
        .contains("as member");
    assertThat(mail.html())
        .contains("href=\"https://app.example.test/accept-invitation?token=" + acceptToken + "\"");
    assertThat(mail.headers().get("List-Unsubscribe")).isNull();

    // the inviter sees what became of it; the stored mail holds no token
    String inviter = token(tenant, owner);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> emails(inviter, "?status=sent").getList("items.kind", String.class),
            kinds -> kinds.contains("invitation"));
    List<String> stored = new java.util.ArrayList<>();
    awaitOn(
        () ->
            pool.preparedQuery(
                    "SELECT text_body || html_body || coalesce(sealed_secret, '') AS all_text"
                        + " FROM notifications_service.mail_message WHERE to_address = $1")
                .execute(Tuple.of(invitee))
                .invoke(rows -> rows.forEach(r -> stored.add(r.getString("all_text")))));
    assertThat(stored).hasSize(1);
    assertThat(stored.get(0)).doesNotContain(acceptToken).contains("accept-invitation?token=");
  }

  private int run() {
    return awaitOn(() -> digests.run());
  }

  private void execute(String sql, UUID tenant, String user) {
    awaitOn(() -> pool.preparedQuery(sql).execute(Tuple.of(tenant, user)).replaceWithVoid());
  }

  private List<Mailbox.Mail> awaitMails(String address, int count) {
    Mailbox box = new Mailbox(imapPort, address);
    try {
      return await().atMost(Duration.ofSeconds(60)).until(box::read, m -> m.size() >= count);
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      throw new AssertionError(
          "fewer than " + count + " mails came for " + address + "; " + whereMailIs(address), e);
    }
  }

  /** What the service knows of mail to the address and of its queue: says where a mail stuck. */
  private String whereMailIs(String address) {
    List<String> seen = new java.util.ArrayList<>();
    awaitOn(
        () ->
            pool.preparedQuery(
                    "SELECT 'mail ' || kind || ' ' || status || ' attempts ' || attempts"
                        + " || ' error ' || coalesce(last_error, '-') || ' made ' || created_at"
                        + " || ' updated ' || updated_at FROM notifications_service.mail_message"
                        + " WHERE to_address = $1"
                        + " UNION ALL SELECT 'mail jobs ' || count(*) || ', leased '"
                        + " || count(*) FILTER (WHERE lease_until > now()) || ', due '"
                        + " || count(*) FILTER (WHERE run_at <= now()) || ', dead '"
                        + " || count(*) FILTER (WHERE status = 'dead')"
                        + " FROM notifications_service.job WHERE queue = 'mail'"
                        + " UNION ALL SELECT 'events applied in the last 2 minutes ' || count(*)"
                        + " || ', last at ' || coalesce(max(processed_at)::text, '-')"
                        + " FROM notifications_service.inbox_event"
                        + " WHERE processed_at > now() - interval '2 minutes'"
                        + " UNION ALL SELECT 'now ' || now()")
                .execute(Tuple.of(address))
                .invoke(rows -> rows.forEach(r -> seen.add(r.getString(0)))));
    return String.join("; ", seen);
  }

  private int mails(String address) {
    return new Mailbox(imapPort, address).read().size();
  }

  private static String delivery(String token, String kind) {
    return given()
        .header("Authorization", "Bearer " + token)
        .get("/api/v1/notification-preferences")
        .then()
        .statusCode(200)
        .extract()
        .jsonPath()
        .getString("kinds.find { it.kind == '" + kind + "' }.delivery");
  }

  private static List<String> feedKinds(String token) {
    return given()
        .header("Authorization", "Bearer " + token)
        .get("/api/v1/notifications")
        .then()
        .statusCode(200)
        .extract()
        .jsonPath()
        .getList("items.kind", String.class);
  }

  private static JsonPath emails(String token, String query) {
    return given()
        .header("Authorization", "Bearer " + token)
        .get("/api/v1/notifications/emails" + query)
        .then()
        .statusCode(200)
        .extract()
        .jsonPath();
  }

  private static String token(UUID tenant, String user) {
    return TestTokens.get().user(tenant, user, "owner", List.of("notifications:read"));
  }

  private static <T> T awaitOn(java.util.function.Supplier<io.smallrye.mutiny.Uni<T>> work) {
    try {
      return VertxContextSupport.subscribeAndAwait(work);
    } catch (Throwable e) {
      throw new IllegalStateException(e);
    }
  }

  private static io.restassured.response.ValidatableResponse patch(String token, String body) {
    return given()
        .header("Authorization", "Bearer " + token)
        .contentType(ContentType.JSON)
        .body(body)
        .patch("/api/v1/notification-preferences")
        .then();
  }

  /** A tenant and its owner, as a sign-up makes them. */
  private record Owner(UUID tenant, String user, String email) {}

  /** Signs a tenant up (its event) and waits for the owner's welcome mail. */
  private Owner newTenant(String name, String displayName) throws Exception {
    UUID tenant = UUID.randomUUID();
    String owner = "owner-" + UUID.randomUUID();
    String email = owner + "@acme.test";
    Events.send(
        bootstrap,
        EventType.TENANT_CREATED,
        tenant,
        new TenantCreated(tenant.toString(), name, owner, email, displayName));
    awaitMails(email, 1);
    return new Owner(tenant, owner, email);
  }
}
