package io.smbcopilot.ingestion.repository;

import io.smbcopilot.outbox.TenantExport;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The tenant's export gets every document's original as uploaded, {@code originals/<document
 * id>/<file name>}, read piece by piece from {@code document_blob} in the export's snapshot (one
 * document in memory at a time).
 */
@ApplicationScoped
public class OriginalsExport implements TenantExport.Attachments {
  private static final Duration STEP = Duration.ofMinutes(2);

  @Override
  public void write(UUID tenantId, SqlConnection snapshot, TenantExport.Sink sink)
      throws IOException {
    List<Row> documents = new ArrayList<>();
    snapshot
        .preparedQuery(
            "SELECT d.id, d.file_name FROM document d WHERE d.tenant_id = $1"
                + " AND EXISTS (SELECT 1 FROM document_blob b WHERE b.document_id = d.id)"
                + " ORDER BY d.created_at, d.id")
        .execute(Tuple.of(tenantId))
        .await()
        .atMost(STEP)
        .forEach(documents::add);
    for (Row document : documents) {
      UUID id = document.getUUID("id");
      ByteArrayOutputStream original = new ByteArrayOutputStream();
      for (Row piece :
          snapshot
              .preparedQuery("SELECT bytes FROM document_blob WHERE document_id = $1 ORDER BY seq")
              .execute(Tuple.of(id))
              .await()
              .atMost(STEP)) {
        original.write(piece.getBuffer("bytes").getBytes());
      }
      sink.add(
          "originals/" + id + "/" + safeName(document.getString("file_name")),
          original.toByteArray());
    }
  }

  /** A file name as a single path element: no folders, no control characters. */
  static String safeName(String name) {
    String safe = name == null ? "" : name.replaceAll("[/\\\\\\p{Cntrl}]", "_").strip();
    return safe.isEmpty() || safe.equals(".") || safe.equals("..") ? "original" : safe;
  }
}
