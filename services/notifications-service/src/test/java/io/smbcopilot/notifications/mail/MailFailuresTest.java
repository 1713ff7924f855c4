package io.smbcopilot.notifications.mail;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import io.smbcopilot.devstack.DevStackResource;
import io.smbcopilot.events.EventType;
import io.smbcopilot.events.identity.TenantCreated;
import io.smbcopilot.testing.InternalTokenResource;
import io.smbcopilot.testing.TestTokens;
import io.smbcopilot.testing.mail.ScriptedSmtpServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * Mail the SMTP server cannot take now is tried again on the schedule and goes out once it can;
 * mail it refuses for good fails at once, with the server's words; mail still refused when the
 * schedule runs out fails. The server here answers as scripted, by recipient (a real server cannot
 * be told to refuse): {@code busy-} twice 451 then 250, {@code gone-} 550, {@code down-} always
 * 451.
 */
@QuarkusTest
@TestProfile(MailFailuresTest.Profile.class)
@WithTestResource(InternalTokenResource.class)
@WithTestResource(MailFailuresTest.Smtp.class)
@WithTestResource(
    value = DevStackResource.class,
    initArgs = {
      @ResourceArg(name = "service", value = "notifications-service"),
      @ResourceArg(name = "components", value = "postgres,kafka")
    })
class MailFailuresTest {
  public static class Profile implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "copilot.secrets.encryption-key", "mail-failures-" + UUID.randomUUID(),
          "copilot.mail.retry-schedule", "1s,1s,1s,1s",
          "copilot.mail.timeout", "3s",
          "copilot.mail.digest-every", "off");
    }
  }

  /** The scripted SMTP server, for the life of the application under test. */
  public static class Smtp implements QuarkusTestResourceLifecycleManager {
    private ScriptedSmtpServer server;

    @Override
    public Map<String, String> start() {
      try {
        server =
            new ScriptedSmtpServer(
                a -> {
                  if (a.recipient().startsWith("busy-") && a.before() < 2) {
                    return "451 4.3.0 mailbox busy, try again later";
                  }
                  if (a.recipient().startsWith("gone-")) {
                    return "550 5.1.1 no such mailbox here";
                  }
                  if (a.recipient().startsWith("down-")) {
                    return "451 4.3.2 not accepting mail now";
                  }
                  return null;
                });
      } catch (java.io.IOException e) {
        throw new IllegalStateException(e);
      }
      return Map.of(
          "quarkus.mailer.host", "127.0.0.1", "quarkus.mailer.port", String.valueOf(server.port()));
    }

    @Override
    public void stop() {
      try {
        server.close();
      } catch (java.io.IOException e) {
        // stopping anyway
      }
    }
  }

  @ConfigProperty(name = "kafka.bootstrap.servers")
  String bootstrap;

  // Now and then an attempt stalls until its timeout (3 s here; seen with this scripted server, not
  // explained yet): that is an attempt too, retried on the schedule (five attempts here), so the
  // counts below allow for one where it cannot change what is proven.

  @Test
  void mailTheServerCannotTakeNowIsRetriedUntilItGoesOut() throws Exception {
    JsonPath mail = welcome("busy-", "sent");
    // refused twice (451), taken the third time at the earliest
    assertThat(mail.getInt("items[0].attempts")).isBetween(3, 4);
    assertThat(mail.getString("items[0].lastError")).isNull();
  }

  @Test
  void mailTheServerRefusesForGoodFailsAtOnceWithItsWords() throws Exception {
    JsonPath mail = welcome("gone-", "failed");
    // a 550 retried would have used the whole schedule (5 attempts)
    assertThat(mail.getInt("items[0].attempts")).isLessThan(3);
    assertThat(mail.getString("items[0].lastError")).contains("550").contains("no such mailbox");
  }

  @Test
  void mailStillRefusedWhenTheScheduleRunsOutFails() throws Exception {
    JsonPath mail = welcome("down-", "failed");
    assertThat(mail.getInt("items[0].attempts")).isEqualTo(5);
    assertThat(mail.getString("items[0].lastError")).isNotNull();
  }

  /** A new tenant whose owner's address starts so; their welcome mail once it is settled so. */
  private JsonPath welcome(String prefix, String status) throws Exception {
    UUID tenant = UUID.randomUUID();
    String owner = "owner-" + UUID.randomUUID();
    Events.send(
        bootstrap,
        EventType.TENANT_CREATED,
        tenant,
        new TenantCreated(
            tenant.toString(), "Flaky Co", owner, prefix + owner + "@acme.test", "Fran Flaky"));
    String token = TestTokens.get().user(tenant, owner, "owner", List.of("notifications:read"));
    return await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                given()
                    .header("Authorization", "Bearer " + token)
                    .get("/api/v1/notifications/emails?status=" + status)
                    .then()
                    .statusCode(200)
                    .extract()
                    .jsonPath(),
            p -> p.getList("items").size() == 1);
  }
}
