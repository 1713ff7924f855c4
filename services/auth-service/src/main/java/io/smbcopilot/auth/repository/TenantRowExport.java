package io.smbcopilot.auth.repository;

import io.smbcopilot.outbox.TenantExport;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;

/**
 * The tenant's export gets the tenant itself, {@code tenant.json} (its name, plan, when it was
 * made): its table is keyed by {@code id}, so the export's search for {@code tenant_id} passes it.
 */
@ApplicationScoped
public class TenantRowExport implements TenantExport.Attachments {
  @Override
  public void write(UUID tenantId, SqlConnection snapshot, TenantExport.Sink sink)
      throws IOException {
    for (Row row :
        snapshot
            .preparedQuery("SELECT to_jsonb(t)::text FROM tenant t WHERE id = $1")
            .execute(Tuple.of(tenantId))
            .await()
            .atMost(Duration.ofMinutes(2))) {
      sink.add("tenant.json", (row.getString(0) + "\n").getBytes(StandardCharsets.UTF_8));
    }
  }
}
