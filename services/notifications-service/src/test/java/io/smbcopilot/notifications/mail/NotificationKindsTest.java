package io.smbcopilot.notifications.mail;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import io.smbcopilot.devstack.DevStackResource;
import io.smbcopilot.events.EventType;
import io.smbcopilot.events.copilot.CopilotBudgetReached;
import io.smbcopilot.events.identity.ApiKeyChanged;
import io.smbcopilot.events.identity.MemberChanged;
import io.smbcopilot.events.identity.RoleChanged;
import io.smbcopilot.events.identity.TenantCreated;
import io.smbcopilot.testing.InternalTokenResource;
import io.smbcopilot.testing.TestTokens;
import io.smbcopilot.testing.mail.Mailbox;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * The catalog's kinds reach the right people, on the real Kafka, PostgreSQL and SMTP server: what
 * goes to "the tenant's admins" goes to its owners and admins as the identity events tell them (not
 * to members, not to someone removed, not to the one who joined about themselves), and to the
 * members of a custom role that grants the kind's permission while it grants it.
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
class NotificationKindsTest {
  @ConfigProperty(name = "kafka.bootstrap.servers")
  String bootstrap;

  @ConfigProperty(name = "copilot.smtp.imap-port")
  int imapPort;

  private final UUID tenant = UUID.randomUUID();

  @Test
  void whatGoesToTheAdminsReachesTheOwnersAndAdminsOfTheMoment() throws Exception {
    String t = tenant.toString();
    String owner = "owner-" + UUID.randomUUID();
    String admin = "admin-" + UUID.randomUUID();
    String member = "member-" + UUID.randomUUID();
    Events.send(
        bootstrap,
        EventType.TENANT_CREATED,
        tenant,
        new TenantCreated(t, "Kinds Co", owner, owner + "@acme.test", "Kim Owner"));
    Events.send(
        bootstrap,
        EventType.MEMBER_CHANGED,
        tenant,
        new MemberChanged(t, admin, admin + "@acme.test", "admin", "joined", admin),
        new MemberChanged(t, member, member + "@acme.test", "member", "joined", member));
    await().atMost(Duration.ofSeconds(60)).until(() -> titles(owner, "member.joined").size() == 2);
    assertThat(titles(owner, "member.joined"))
        .containsExactlyInAnyOrder(
            admin + "@acme.test joined Kinds Co", member + "@acme.test joined Kinds Co");
    // the admin hears of the member, not of themselves; the member of nobody
    assertThat(titles(admin, "member.joined"))
        .containsExactly(member + "@acme.test joined Kinds Co");
    assertThat(titles(member, "member.joined")).isEmpty();

    Events.send(
        bootstrap,
        EventType.API_KEY_CHANGED,
        tenant,
        new ApiKeyChanged(
            t, UUID.randomUUID().toString(), "cpk_ab12", List.of("search"), "created", owner));
    Events.send(
        bootstrap,
        EventType.COPILOT_BUDGET_REACHED,
        tenant,
        new CopilotBudgetReached(t, "2026-12", 80, 80_000, 100_000));
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                titles(admin, "api-key.created").size() == 1
                    && titles(admin, "budget.warning").size() == 1
                    && titles(owner, "budget.warning").size() == 1);
    assertThat(body(owner, "budget.warning"))
        .contains("80000 of 100000 tokens")
        .contains("2026-12");
    assertThat(titles(member, "api-key.created")).isEmpty();
    assertThat(titles(member, "budget.warning")).isEmpty();
    // both in the app and by email (the kind's default)
    Mailbox adminBox = new Mailbox(imapPort, admin + "@acme.test");
    List<Mailbox.Mail> mails =
        await().atMost(Duration.ofSeconds(60)).until(adminBox::read, m -> m.size() >= 2);
    assertThat(mails)
        .extracting(Mailbox.Mail::subject)
        .contains(
            "[Kinds Co] An API key was created",
            "[Kinds Co] 80% of this month's copilot budget is used");
    assertThat(new Mailbox(imapPort, member + "@acme.test").read()).isEmpty();

    // once removed, the admin hears nothing more
    Events.send(
        bootstrap,
        EventType.MEMBER_CHANGED,
        tenant,
        new MemberChanged(t, admin, admin + "@acme.test", "admin", "removed", owner));
    Events.send(
        bootstrap,
        EventType.API_KEY_CHANGED,
        tenant,
        new ApiKeyChanged(
            t, UUID.randomUUID().toString(), "cpk_cd34", List.of("search"), "revoked", owner));
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                titles(owner, "member.removed").size() == 1
                    && titles(owner, "api-key.revoked").size() == 1);
    assertThat(titles(owner, "member.removed"))
        .containsExactly(admin + "@acme.test was removed from Kinds Co");
    assertThat(titles(admin, "member.removed")).isEmpty();
    assertThat(titles(admin, "api-key.revoked")).isEmpty();
  }

  @Test
  void whatGoesToTheAdminsReachesTheMembersOfCustomRolesThatGrantItsPermission() throws Exception {
    String t = tenant.toString();
    String owner = "owner-" + UUID.randomUUID();
    String ops = "ops-" + UUID.randomUUID();
    String reader = "reader-" + UUID.randomUUID();
    Events.send(
        bootstrap,
        EventType.TENANT_CREATED,
        tenant,
        new TenantCreated(t, "Roles Co", owner, owner + "@acme.test", "Rae Owner"));
    Events.send(
        bootstrap,
        EventType.ROLE_CHANGED,
        tenant,
        new RoleChanged(
            t, "people-ops", List.of("members:manage", "notifications:read"), "created", owner),
        new RoleChanged(t, "readers", List.of("documents:read"), "created", owner));
    Events.send(
        bootstrap,
        EventType.MEMBER_CHANGED,
        tenant,
        new MemberChanged(t, ops, ops + "@acme.test", "people-ops", "joined", ops),
        new MemberChanged(t, reader, reader + "@acme.test", "readers", "joined", reader));
    String newcomer = "new-" + UUID.randomUUID();
    Events.send(
        bootstrap,
        EventType.MEMBER_CHANGED,
        tenant,
        new MemberChanged(t, newcomer, newcomer + "@acme.test", "member", "joined", newcomer));
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> titles(ops, "member.joined").contains(newcomer + "@acme.test joined Roles Co"));
    // the custom role that manages members hears who joined; one that does not, nothing; and
    // neither hears of API keys (another permission)
    assertThat(titles(ops, "member.joined"))
        .containsExactlyInAnyOrder(
            reader + "@acme.test joined Roles Co", newcomer + "@acme.test joined Roles Co");
    assertThat(titles(reader, "member.joined")).isEmpty();
    Events.send(
        bootstrap,
        EventType.API_KEY_CHANGED,
        tenant,
        new ApiKeyChanged(
            t, UUID.randomUUID().toString(), "cpk_ef56", List.of("search"), "created", owner));
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> titles(owner, "api-key.created").size() == 1);
    assertThat(titles(ops, "api-key.created")).isEmpty();

    // once the role no longer grants it, its members hear nothing more of who joins
    Events.send(
        bootstrap,
        EventType.ROLE_CHANGED,
        tenant,
        new RoleChanged(t, "people-ops", List.of("notifications:read"), "updated", owner));
    String later = "later-" + UUID.randomUUID();
    Events.send(
        bootstrap,
        EventType.MEMBER_CHANGED,
        tenant,
        new MemberChanged(t, later, later + "@acme.test", "member", "joined", later));
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> titles(owner, "member.joined").contains(later + "@acme.test joined Roles Co"));
    assertThat(titles(ops, "member.joined")).hasSize(2);
  }

  private List<String> titles(String user, String kind) {
    return feed(user).getList("items.findAll { it.kind == '" + kind + "' }.title", String.class);
  }

  private String body(String user, String kind) {
    return feed(user).getString("items.find { it.kind == '" + kind + "' }.body");
  }

  private JsonPath feed(String user) {
    return given()
        .header(
            "Authorization",
            "Bearer "
                + TestTokens.get().user(tenant, user, "member", List.of("notifications:read")))
        .get("/api/v1/notifications?limit=100")
        .then()
        .statusCode(200)
        .extract()
        .jsonPath();
  }
}
