package io.smbcopilot.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The devstack's servers are real and usable: Keycloak with our realm, SMTP, isolated schemas. */
class DevStackTest {
  private static DevStack stack;
  private static Map<String, String> state;
  private static final HttpClient HTTP =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeAll
  static void start() throws Exception {
    stack = DevStack.forTests(List.of(Names.POSTGRES, Names.SMTP, Names.KEYCLOAK));
    state = stack.status();
  }

  @Test
  void everyServerListensOnLoopbackOnly() {
    assertThat(state.get("postgres.jdbc-url")).startsWith("jdbc:postgresql://127.0.0.1:");
    assertThat(state.get("keycloak.url")).startsWith("http://127.0.0.1:");
    assertThat(state.get("smtp.api-url")).startsWith("http://127.0.0.1:");
    assertThat(state.get("control.url")).startsWith("http://127.0.0.1:");
  }

  @Test
  void keycloakServesTheImportedCopilotRealm() throws Exception {
    String base = state.get("keycloak.url");
    HttpResponse<String> config =
        HTTP.send(
            HttpRequest.newBuilder(
                    URI.create(base + "/realms/copilot/.well-known/openid-configuration"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(config.statusCode()).isEqualTo(200);
    assertThat(config.body()).contains("\"issuer\":\"" + base + "/realms/copilot\"");

    // The CLI client exists and allows the password grant: unknown credentials are an
    // invalid_grant (400, RFC 6749 5.2), not an invalid_client (401) or unauthorized_client.
    HttpResponse<String> token =
        HTTP.send(
            HttpRequest.newBuilder(
                    URI.create(base + "/realms/copilot/protocol/openid-connect/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "grant_type=password&client_id=copilot-cli&username=nobody@example.test&password=Wrong-pass-1"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(token.statusCode()).as(token.body()).isEqualTo(400);
    assertThat(token.body()).contains("invalid_grant");
  }

  @Test
  void mailSentToTheSmtpServerCanBeReadBack() throws Exception {
    String to = "owner-" + UUID.randomUUID() + "@acme.test";
    Properties props = new Properties();
    props.put("mail.smtp.host", "127.0.0.1");
    props.put("mail.smtp.port", state.get("smtp.port"));
    Session session = Session.getInstance(props);
    MimeMessage message = new MimeMessage(session);
    message.setFrom(new InternetAddress("noreply@smbcopilot.test"));
    message.setRecipient(Message.RecipientType.TO, new InternetAddress(to));
    message.setSubject("Welcome to SMB Copilot");
    message.setText("Your workspace is ready.");
    Transport.send(message);

    Properties imap = new Properties();
    imap.put("mail.imap.host", "127.0.0.1");
    imap.put("mail.imap.port", state.get("smtp.imap-port"));
    Store store = Session.getInstance(imap).getStore("imap");
    store.connect(to, "any");
    try {
      Folder inbox = store.getFolder("INBOX");
      inbox.open(Folder.READ_ONLY);
      assertThat(inbox.getMessageCount()).isEqualTo(1);
      assertThat(inbox.getMessage(1).getSubject()).isEqualTo("Welcome to SMB Copilot");
      inbox.close(false);
    } finally {
      store.close();
    }
  }

  @Test
  void eachServiceRoleWorksInItsOwnSchemaAndCannotReadAnothers() throws Exception {
    Map<String, String> a = stack.provision("isolation-a");
    Map<String, String> b = stack.provision("isolation-b");
    try (Connection asB =
            DriverManager.getConnection(b.get("jdbc-url"), b.get("username"), b.get("password"));
        Statement st = asB.createStatement()) {
      st.execute("CREATE TABLE IF NOT EXISTS secret (v text)");
      st.execute("INSERT INTO secret VALUES ('b only')");
    }
    try (Connection asA =
            DriverManager.getConnection(a.get("jdbc-url"), a.get("username"), a.get("password"));
        Statement st = asA.createStatement()) {
      st.execute("CREATE TABLE IF NOT EXISTS mine (v text)");
      try (var rs = st.executeQuery("SELECT current_schema()")) {
        rs.next();
        assertThat(rs.getString(1)).isEqualTo("isolation_a");
      }
      assertThatThrownBy(() -> st.executeQuery("SELECT * FROM isolation_b.secret"))
          .isInstanceOf(SQLException.class)
          .hasMessageContaining("permission denied");
      assertThatThrownBy(() -> st.execute("CREATE TABLE public.sneaky (v text)"))
          .isInstanceOf(SQLException.class)
          .hasMessageContaining("permission denied");
    }
  }

  @Test
  void aSecondClientReusesTheRunningSupervisor() throws Exception {
    DevStack again = DevStack.forTests(List.of(Names.POSTGRES));
    Map<String, String> second = again.status();
    assertThat(second.get("supervisor.pid")).isEqualTo(state.get("supervisor.pid"));
    assertThat(second.get("postgres.port")).isEqualTo(state.get("postgres.port"));
  }
}
