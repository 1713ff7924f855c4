package io.smbcopilot.testing;

import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * What a database still holds of an erased tenant: every row of every table of the given schemas
 * whose text (the whole row, as PostgreSQL prints it) contains one of the needles, or their bytes
 * in hex (a {@code bytea} column prints so).
 */
public final class TenantTraces {
  private TenantTraces() {}

  /** "schema.table: needle" for each table holding a needle; empty when nothing is left. */
  public static List<String> find(Pool pool, List<String> schemas, List<String> needles) {
    List<String> found = new ArrayList<>();
    for (Row t :
        pool.preparedQuery(
                "SELECT table_schema, table_name FROM information_schema.tables"
                    + " WHERE table_schema = ANY($1) AND table_type = 'BASE TABLE'"
                    + " ORDER BY 1, 2")
            .execute(Tuple.of(schemas.toArray(String[]::new)))
            .await()
            .atMost(Duration.ofSeconds(30))) {
      String table = quote(t.getString(0)) + "." + quote(t.getString(1));
      for (String needle : needles) {
        String hex = HexFormat.of().formatHex(needle.getBytes(StandardCharsets.UTF_8));
        long rows =
            pool.preparedQuery(
                    "SELECT count(*) FROM "
                        + table
                        + " x WHERE strpos(x::text, $1) > 0 OR strpos(lower(x::text), $2) > 0")
                .execute(Tuple.of(needle, hex))
                .await()
                .atMost(Duration.ofSeconds(30))
                .iterator()
                .next()
                .getLong(0);
        if (rows > 0) {
          found.add(t.getString(0) + "." + t.getString(1) + ": " + needle + " (" + rows + " rows)");
        }
      }
    }
    return found;
  }

  /** The tables of the schemas: proof that {@link #find} looked somewhere. */
  public static int tables(Pool pool, List<String> schemas) {
    return pool.preparedQuery(
            "SELECT count(*) FROM information_schema.tables"
                + " WHERE table_schema = ANY($1) AND table_type = 'BASE TABLE'")
        .execute(Tuple.of(schemas.toArray(String[]::new)))
        .await()
        .atMost(Duration.ofSeconds(30))
        .iterator()
        .next()
        .getInteger(0);
  }

  private static String quote(String name) {
    return "\"" + name.replace("\"", "\"\"") + "\"";
  }
}
