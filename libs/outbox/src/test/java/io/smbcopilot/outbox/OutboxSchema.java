package io.smbcopilot.outbox;

import io.smbcopilot.devstack.DevStack;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.pgclient.PgBuilder;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.PoolOptions;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A schema of its own on the devstack's PostgreSQL with the outbox tables made fresh, for the tests
 * and the benchmark that drive the relay without a Quarkus application.
 */
final class OutboxSchema implements AutoCloseable {
  final Vertx vertx = Vertx.vertx();
  final Pool pool;

  OutboxSchema(DevStack stack, String role, String... extraTables) throws Exception {
    Map<String, String> db = stack.provision(role);
    URI url = URI.create(db.get("reactive-url"));
    pool =
        PgBuilder.pool()
            .with(new PoolOptions().setMaxSize(8))
            .connectingTo(
                new PgConnectOptions()
                    .setHost(url.getHost())
                    .setPort(url.getPort())
                    .setDatabase(url.getPath().substring(1))
                    .setUser(db.get("username"))
                    .setPassword(db.get("password")))
            .using(vertx)
            .build();
    sql("DROP TABLE IF EXISTS outbox_event, inbox_event CASCADE");
    sql("DROP FUNCTION IF EXISTS outbox_event_wake() CASCADE");
    for (String table : extraTables) {
      sql("DROP TABLE IF EXISTS " + table + " CASCADE");
    }
    for (String migration : List.of("V0_1__outbox_and_inbox.sql", "V0_2__outbox_wake.sql")) {
      try (InputStream in = OutboxSchema.class.getResourceAsStream("/db/outbox/" + migration)) {
        // one simple-protocol query runs the file's statements in order
        sql(new String(in.readAllBytes(), StandardCharsets.UTF_8));
      }
    }
  }

  void sql(String statement) {
    pool.query(statement).execute().await().atMost(Duration.ofSeconds(30));
  }

  @Override
  public void close() {
    pool.close().await().indefinitely();
    vertx.close().await().indefinitely();
  }
}
