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
 * <p>A person's own export ({@link #write(UUID, String)}) takes only the rows that are theirs: the
 * tables named in {@code copilot.export.personal}, each entry {@code table.column} (rows whose
 * column holds the person's id) or {@code table.column=parent} (rows whose column holds the id of
 * one of the person's rows of {@code parent}: the messages of their conversations), several entries
 * of a table joined by OR. No attachments: the documents they uploaded are the business's.
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
  private final Map<String, List<String>> personal;
  private final Instance<Attachments> attachments;

  public TenantExport(
      Pool pool,
      @ConfigProperty(name = "quarkus.application.name") String service,
      @ConfigProperty(name = "copilot.export.omit") Optional<List<String>> omit,
      @ConfigProperty(name = "copilot.export.personal") Optional<List<String>> personal,
      Instance<Attachments> attachments) {
    this.pool = pool;
    this.service = service;
    this.omitted = new HashSet<>(omit.orElse(List.of()));
    this.personal = personalFilters(personal.orElse(List.of()));
    this.attachments = attachments;
  }

  /**
   * The condition on each table's rows for a person's export, {@code $2} their id, from the entries
   * of {@code copilot.export.personal}.
   */
  static Map<String, List<String>> personalFilters(List<String> entries) {
    Map<String, String> direct = new LinkedHashMap<>();
    Map<String, List<String>> filters = new LinkedHashMap<>();
    List<String[]> derived = new ArrayList<>();
    for (String entry : entries) {
      String[] link = entry.split("=", 2);
      String[] tableColumn = link[0].trim().split("\\.", 2);
      if (tableColumn.length != 2 || tableColumn[0].isBlank() || tableColumn[1].isBlank()) {
        throw new IllegalArgumentException(
            "copilot.export.personal: " + entry + " is not table.column or table.column=parent");
      }
      if (link.length == 1) {
        String condition = quote(tableColumn[1]) + "::text = $2";
        filters.computeIfAbsent(tableColumn[0], t -> new ArrayList<>()).add(condition);
        direct.merge(tableColumn[0], condition, (a, b) -> a + " OR " + b);
      } else {
        derived.add(new String[] {tableColumn[0], tableColumn[1], link[1].trim()});
      }
    }
    for (String[] d : derived) {
      String parent = direct.get(d[2]);
      if (parent == null) {
        throw new IllegalArgumentException(
            "copilot.export.personal: "
                + d[0]
                + "."
                + d[1]
                + "="
                + d[2]
                + " names a parent with"
                + " no column of the person");
      }
      filters
          .computeIfAbsent(d[0], t -> new ArrayList<>())
          .add(
              quote(d[1])
                  + " IN (SELECT id FROM "
                  + quote(d[2])
                  + " WHERE tenant_id::text = $1 AND ("
                  + parent
                  + "))");
    }
    return filters;
  }

  private static String quote(String identifier) {
    return "\"" + identifier.replace("\"", "\"\"") + "\"";
  }

  /** Writes the tenant's part into a new temporary zip; the caller deletes the file. */
  public Part write(UUID tenantId) throws IOException {
    return write(tenantId, null);
  }

  /**
   * Writes the part into a new temporary zip: the tenant's, or with a {@code subject} only that
   * person's rows of the tables {@code copilot.export.personal} names. The caller deletes the file.
   */
  public Part write(UUID tenantId, String subject) throws IOException {
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
        if (!BOOKKEEPING.contains(table)
            && !omitted.contains(table)
            && (subject == null || personal.containsKey(table))) {
          tables.add(table);
        }
      }
      for (String table : tables) {
        zip.putNextEntry(new ZipEntry(service + "/" + table + ".jsonl"));
        rows.put(table, copy(connection, table, tenantId, subject, zip));
        zip.closeEntry();
      }
      Sink sink =
          (name, content) -> {
            zip.putNextEntry(new ZipEntry(service + "/" + name));
            zip.write(content);
            zip.closeEntry();
            files[0]++;
          };
      if (subject == null) {
        for (Attachments a : attachments) {
          a.write(tenantId, connection, sink);
        }
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

  /**
   * The table's rows of the tenant (of the person, with a subject), one JSON object a line; answers
   * how many.
   */
  private long copy(
      SqlConnection connection, String table, UUID tenantId, String subject, OutputStream out)
      throws IOException {
    String where =
        subject == null
            ? " t WHERE tenant_id::text = $1"
            : " t WHERE tenant_id::text = $1 AND ("
                + String.join(" OR ", personal.get(table))
                + ")";
    PreparedStatement statement =
        connection
            .prepare(
                "SELECT (to_jsonb(t) - "
                    + omittedColumns(table)
                    + ")::text FROM "
                    + quote(table)
                    + where)
            .await()
            .atMost(STEP);
    long count = 0;
    try {
      Cursor cursor =
          statement.cursor(
              subject == null
                  ? Tuple.of(tenantId.toString())
                  : Tuple.of(tenantId.toString(), subject));
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
