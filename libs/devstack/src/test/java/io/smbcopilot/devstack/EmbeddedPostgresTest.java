package io.smbcopilot.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The fallback for machines without system PostgreSQL binaries: the server binaries Maven Central
 * ships (forced here, since this machine may have both) start, accept a service's role, and stop.
 */
class EmbeddedPostgresTest {

  @Test
  void theBinariesFromMavenCentralRunARealServer() throws Exception {
    StackHome home = StackHome.of(Path.of(""), "test-embedded");
    Supervisor.deleteTree(home.dir());
    Files.createDirectories(home.dir());
    PostgresServer postgres = new PostgresServer(home, new Secrets(home.secretsFile()), 0, true);
    assertThat(postgres.binaries().startsWith(Path.of("/usr/lib/postgresql"))).isFalse();
    try {
      postgres.start();
      assertThat(postgres.running()).isTrue();
      Map<String, String> db = postgres.provision("embedded-check");
      try (Connection c =
              DriverManager.getConnection(
                  db.get("jdbc-url"), db.get("username"), db.get("password"));
          Statement st = c.createStatement();
          ResultSet rs =
              st.executeQuery("SELECT current_setting('server_version'), current_schema()")) {
        rs.next();
        assertThat(rs.getString(1)).startsWith("17.");
        assertThat(rs.getString(2)).isEqualTo("embedded_check");
      }
    } finally {
      postgres.stop();
    }
    assertThat(postgres.running()).isFalse();
  }
}
