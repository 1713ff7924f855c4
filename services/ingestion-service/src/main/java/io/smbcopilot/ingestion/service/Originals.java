package io.smbcopilot.ingestion.service;

import io.smbcopilot.ingestion.config.IngestionConfig;
import io.smbcopilot.outbox.Db;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.UUID;

/**
 * Originals in {@code document_blob}, in pieces of {@code copilot.ingestion.blob-chunk-size}:
 * written and read one piece at a time, so no whole file is ever in memory.
 */
@ApplicationScoped
public class Originals {
  private final Db db;
  private final IngestionConfig config;

  public Originals(Db db, IngestionConfig config) {
    this.db = db;
    this.config = config;
  }

  /** Stores the file as the document's original, inside the caller's transaction. */
  void store(SqlClient tx, UUID documentId, Path file) throws IOException {
    int size = (int) config.blobChunkSize().asLongValue();
    try (InputStream in = Files.newInputStream(file)) {
      int seq = 0;
      byte[] piece;
      while ((piece = in.readNBytes(size)).length > 0) {
        Db.run(
            tx,
            "INSERT INTO document_blob (document_id, seq, bytes) VALUES ($1, $2, $3)",
            documentId,
            seq++,
            Buffer.buffer(piece));
      }
    }
  }

  /** Writes the document's original to the stream. */
  public void copy(UUID documentId, OutputStream out) throws IOException {
    for (int seq = 0; ; seq++) {
      Iterator<Row> rows =
          db.query(
                  "SELECT bytes FROM document_blob WHERE document_id = $1 AND seq = $2",
                  documentId,
                  seq)
              .iterator();
      if (!rows.hasNext()) {
        return;
      }
      out.write(rows.next().getBuffer("bytes").getBytes());
    }
  }
}
