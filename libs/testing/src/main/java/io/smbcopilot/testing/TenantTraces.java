package io.smbcopilot.testing;

import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * What a database still holds of an erased tenant: every row of every table of the given schemas
 * whose text (the whole row, as PostgreSQL prints it) contains one of the needles, or their bytes
 * in hex (a {@code bytea} column prints so). Over a service's reactive pool in its tests, or over a
 * JDBC connection (the platform's tests, as the superuser, every schema and Keycloak's database).
 */
public final class TenantTraces {
  private static final String TABLES =
      "SELECT table_schema, table_name FROM information_schema.tables"
          + " WHERE table_schema = ANY(%s) AND table_type = 'BASE TABLE' ORDER BY 1, 2";

  /** Runs one query with text and text-array parameters: its rows, each as its columns' text. */
  @FunctionalInterface
  private interface Query {
    List<List<String>> rows(String sql, Object... parameters);
  }

  private TenantTraces() {}

  /** "schema.table: needle" for each table holding a needle; empty when nothing is left. */
  public static List<String> find(Pool pool, List<String> schemas, List<String> needles) {
    return find(reactive(pool), "$", schemas, needles);
  }

  /** The same over a JDBC connection (for tests without the reactive client). */
  public static List<String> findJdbc(
      Connection connection, List<String> schemas, List<String> needles) {
    return find(jdbc(connection), "?", schemas, needles);
  }

  /** The tables of the schemas: proof that {@link #find} looked somewhere. */
  public static int tables(Pool pool, List<String> schemas) {
    return reactive(pool)
        .rows(TABLES.formatted("$1"), (Object) schemas.toArray(String[]::new))
        .size();
  }

  /** The same over a JDBC connection (for tests without the reactive client). */
  public static int tablesJdbc(Connection connection, List<String> schemas) {
    return jdbc(connection)
        .rows(TABLES.formatted("?"), (Object) schemas.toArray(String[]::new))
        .size();
  }

  private static List<String> find(
      Query query, String marker, List<String> schemas, List<String> needles) {
    String first = "$".equals(marker) ? "$1" : "?";
    String second = "$".equals(marker) ? "$2" : "?";
    List<String> found = new ArrayList<>();
    for (List<String> t :
        query.rows(TABLES.formatted(first), (Object) schemas.toArray(String[]::new))) {
      String table = quote(t.get(0)) + "." + quote(t.get(1));
      for (String needle : needles) {
        String hex = HexFormat.of().formatHex(needle.getBytes(StandardCharsets.UTF_8));
        long rows =
            Long.parseLong(
                query
                    .rows(
                        "SELECT count(*) FROM "
                            + table
                            + " x WHERE strpos(x::text, "
                            + first
                            + ") > 0 OR strpos(lower(x::text), "
                            + second
                            + ") > 0",
                        needle,
                        hex)
                    .get(0)
                    .get(0));
        if (rows > 0) {
          found.add(t.get(0) + "." + t.get(1) + ": " + needle + " (" + rows + " rows)");
        }
      }
    }
    return found;
  }

  private static Query reactive(Pool pool) {
    return (sql, parameters) -> {
      List<List<String>> rows = new ArrayList<>();
      for (Row row :
          pool.preparedQuery(sql)
              .execute(Tuple.from(parameters))
              .await()
              .atMost(Duration.ofSeconds(30))) {
        List<String> columns = new ArrayList<>();
        for (int i = 0; i < row.size(); i++) {
          columns.add(String.valueOf(row.getValue(i)));
        }
        rows.add(columns);
      }
      return rows;
    };
  }

  private static Query jdbc(Connection connection) {
    return (sql, parameters) -> {
      try (PreparedStatement statement = connection.prepareStatement(sql)) {
        for (int i = 0; i < parameters.length; i++) {
          statement.setObject(
              i + 1,
              parameters[i] instanceof String[] many
                  ? connection.createArrayOf("text", many)
                  : parameters[i]);
        }
        List<List<String>> rows = new ArrayList<>();
        try (ResultSet result = statement.executeQuery()) {
          int width = result.getMetaData().getColumnCount();
          while (result.next()) {
            List<String> columns = new ArrayList<>();
            for (int i = 1; i <= width; i++) {
              columns.add(result.getString(i));
            }
            rows.add(columns);
          }
        }
        return rows;
      } catch (SQLException e) {
        throw new IllegalStateException(sql + ": " + e.getMessage(), e);
      }
    };
  }

  private static String quote(String name) {
    return "\"" + name.replace("\"", "\"\"") + "\"";
  }
}
