package io.smbcopilot.outbox;

import io.vertx.mutiny.sqlclient.Cursor;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.PreparedStatement;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * A tenant's data in this service, for the tenant's export (issue 18): every row of every table of
 * the service's schema that has a {@code tenant_id} column (found in the catalog, as {@link
 * TenantErasure} finds them, so a table added later is exported without anyone remembering to), one
 * JSON Lines file per table, {@code <service>/<table>.jsonl}, each line a row as PostgreSQL's
 * {@code to_jsonb} writes it. Left out: the bookkeeping tables (outbox, inbox, jobs, erased
 * tenants) and what the service names in {@code copilot.export.omit} ({@code table} or {@code
 * table.column}: secrets, their digests, bytes written as files instead). A service adds files
 * beside its rows through its {@link Attachments} beans (ingestion-service: the originals, as
 * uploaded).
 *
 * <p>Read in one read-only, repeatable-read transaction (one snapshot: the tables agree with each
 * other), through cursors of {@value #PAGE} rows, so memory stays bounded; written to a temporary
 * zip file. Called on a worker thread: it blocks.
 */
@ApplicationScoped
public class TenantExport {
  static final int PAGE = 500;
  private static final Duration STEP = Duration.ofMinutes(2);

  /** Tables of every service that are bookkeeping, not the tenant's data. */
  static final Set<String> BOOKKEEPING =
      Set.of("outbox_event", "inbox_event", "erased_tenant", "job");

  /** Files a service adds to its part, read in the export's snapshot. */
  public interface Attachments {
    void write(UUID tenantId, SqlConnection snapshot, Sink sink) throws IOException;
  }

  /** Where an attachment goes: a file of the part, under the service's folder. */
  public interface Sink {
    void add(String name, byte[] content) throws IOException;
  }

  /** What was written: rows by table, and the files added. */
  public record Part(Path file, Map<String, Long> rows, int files) {}

  private final Pool pool;
  private final String service;
  private final Set<String> omitted;
  private final Instance<Attachments> attachments;

  public TenantExport(
      Pool pool,
      @ConfigProperty(name = "quarkus.application.name") String service,
      @ConfigProperty(name = "copilot.export.omit") Optional<List<String>> omit,
      Instance<Attachments> attachments) {
    this.pool = pool;
    this.service = service;
    this.omitted = new HashSet<>(omit.orElse(List.of()));
    this.attachments = attachments;
  }

  /** Writes the tenant's part into a new temporary zip; the caller deletes the file. */
  public Part write(UUID tenantId) throws IOException {
    Path file = Files.createTempFile("tenant-export-", ".zip");
    Map<String, Long> rows = new LinkedHashMap<>();
    int[] files = {0};
    SqlConnection connection = pool.getConnection().await().atMost(STEP);
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file));
        ZipOutputStream zip = new ZipOutputStream(out)) {
      run(connection, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
      List<String> tables = new ArrayList<>();
      for (Row row : connection.query(TenantErasure.TABLES).execute().await().atMost(STEP)) {
        String table = row.getString(0);
        if (!BOOKKEEPING.contains(table) && !omitted.contains(table)) {
          tables.add(table);
        }
      }
      for (String table : tables) {
        zip.putNextEntry(new ZipEntry(service + "/" + table + ".jsonl"));
        rows.put(table, copy(connection, table, tenantId, zip));
        zip.closeEntry();
      }
      Sink sink =
          (name, content) -> {
            zip.putNextEntry(new ZipEntry(service + "/" + name));
            zip.write(content);
            zip.closeEntry();
            files[0]++;
          };
      for (Attachments a : attachments) {
        a.write(tenantId, connection, sink);
      }
      run(connection, "COMMIT");
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(file);
      throw e;
    } finally {
      connection.close().await().atMost(STEP);
    }
    return new Part(file, rows, files[0]);
  }

  /** The table's rows of the tenant, one JSON object a line; answers how many. */
  private long copy(SqlConnection connection, String table, UUID tenantId, OutputStream out)
      throws IOException {
    String quoted = "\"" + table.replace("\"", "\"\"") + "\"";
    PreparedStatement statement =
        connection
            .prepare(
                "SELECT (to_jsonb(t) - "
                    + omittedColumns(table)
                    + ")::text FROM "
                    + quoted
                    + " t WHERE tenant_id::text = $1")
            .await()
            .atMost(STEP);
    long count = 0;
    try {
      Cursor cursor = statement.cursor(Tuple.of(tenantId.toString()));
      do {
        RowSet<Row> page = cursor.read(PAGE).await().atMost(STEP);
        for (Row row : page) {
          out.write(row.getString(0).getBytes(StandardCharsets.UTF_8));
          out.write('\n');
          count++;
        }
      } while (cursor.hasMore());
    } finally {
      statement.close().await().atMost(STEP);
    }
    return count;
  }

  /** The columns of the table left out, as a literal {@code text[]}. */
  private String omittedColumns(String table) {
    List<String> columns = new ArrayList<>();
    for (String o : omitted) {
      if (o.startsWith(table + ".")) {
        columns.add("'" + o.substring(table.length() + 1).replace("'", "''") + "'");
      }
    }
    return "ARRAY[" + String.join(",", columns) + "]::text[]";
  }

  private static void run(SqlConnection connection, String sql) {
    connection.query(sql).execute().await().atMost(STEP);
  }
}
