package io.smbcopilot.outbox;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.hibernate.reactive.mutiny.Mutiny;
import org.jboss.logging.Logger;

/**
 * Erases a tenant from this service (issue 18), in the caller's transaction: every row of every
 * table of the service's schema that has a {@code tenant_id} column, those that refer to others
 * first (its outbox and inbox rows too: they are such tables); what the service keeps elsewhere
 * (its index) through its {@link Elsewhere} beans; and it remembers the tenant by the SHA-256 of
 * its id ({@code erased_tenant}), so that an event of the tenant that comes later is not applied
 * ({@link Inbox}). The tables are found in the database's catalog, so a table added later is erased
 * without anyone remembering to.
 */
@ApplicationScoped
public class TenantErasure {
  private static final Logger LOG = Logger.getLogger(TenantErasure.class);

  /** What a service keeps of a tenant outside its schema (an index): erased after its rows. */
  public interface Elsewhere {
    Uni<Void> erase(UUID tenantId);
  }

  /** The tables of the service's schema with a tenant_id column (the export reads them too). */
  static final String TABLES =
      """
      SELECT c.table_name FROM information_schema.columns c
        JOIN information_schema.tables t
          ON t.table_schema = c.table_schema AND t.table_name = c.table_name
      WHERE c.table_schema = current_schema() AND c.column_name = 'tenant_id'
        AND t.table_type = 'BASE TABLE'
      ORDER BY c.table_name""";

  private static final String REFERENCES =
      """
      SELECT child.relname, parent.relname FROM pg_constraint k
        JOIN pg_class child ON child.oid = k.conrelid
        JOIN pg_class parent ON parent.oid = k.confrelid
      WHERE k.contype = 'f' AND k.connamespace = current_schema()::regnamespace
        AND k.conrelid <> k.confrelid""";

  private final Instance<Elsewhere> elsewhere;

  public TenantErasure(Instance<Elsewhere> elsewhere) {
    this.elsewhere = elsewhere;
  }

  /** Registers the erasure of this service's rows on the tenant's {@code tenant-erased}. */
  public EventHandlers handle(EventHandlers handlers) {
    return handlers.on(
        io.smbcopilot.events.EventType.TENANT_ERASED,
        io.smbcopilot.events.identity.TenantErased.class,
        (erased, event) -> erase(UUID.fromString(erased.tenantId())).replaceWithVoid());
  }

  /** The SHA-256 of a tenant's id, in hex: how an erased tenant is remembered. */
  public static String digest(String tenantId) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256")
                  .digest(tenantId.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Whether the tenant was erased here (in the current session). */
  public Uni<Boolean> erased(String tenantId) {
    return Panache.getSession()
        .chain(
            s ->
                s.createNativeQuery("SELECT 1 FROM erased_tenant WHERE digest = ?1")
                    .setParameter(1, digest(tenantId))
                    .getResultList()
                    .map(rows -> !rows.isEmpty()));
  }

  /**
   * Erases the tenant's rows, in the current transaction, then what the service keeps elsewhere;
   * the rows deleted by table. Erasing again finds nothing to delete.
   */
  public Uni<Map<String, Integer>> erase(UUID tenantId) {
    Map<String, Integer> deleted = new LinkedHashMap<>();
    return Panache.getSession()
        .chain(
            s ->
                s.createNativeQuery(Retention.SWEEPING)
                    .getSingleResult()
                    .chain(() -> order(s))
                    .chain(
                        tables -> {
                          Uni<Void> all = Uni.createFrom().voidItem();
                          for (String table : tables) {
                            all =
                                all.chain(
                                    () ->
                                        s.createNativeQuery(
                                                "DELETE FROM \""
                                                    + table.replace("\"", "\"\"")
                                                    + "\" WHERE tenant_id::text = ?1")
                                            .setParameter(1, tenantId.toString())
                                            .executeUpdate()
                                            .invoke(n -> deleted.put(table, n))
                                            .replaceWithVoid());
                          }
                          return all;
                        })
                    .chain(
                        () ->
                            s.createNativeQuery(
                                    "INSERT INTO erased_tenant (digest, erased_at)"
                                        + " VALUES (?1, now()) ON CONFLICT DO NOTHING")
                                .setParameter(1, digest(tenantId.toString()))
                                .executeUpdate()))
        .chain(
            () -> {
              Uni<Void> all = Uni.createFrom().voidItem();
              for (Elsewhere e : elsewhere) {
                all = all.chain(() -> e.erase(tenantId));
              }
              return all;
            })
        .invoke(() -> LOG.infof("tenant erased: rows deleted by table %s", deleted))
        .replaceWith(deleted);
  }

  /** The tables with a tenant_id, each before those it refers to. */
  private static Uni<List<String>> order(Mutiny.Session s) {
    return s.createNativeQuery(TABLES, String.class)
        .getResultList()
        .chain(
            tables ->
                s.createNativeQuery(REFERENCES, Object[].class)
                    .getResultList()
                    .map(references -> childrenFirst(tables, references)));
  }

  /**
   * Orders the tables so that a table comes before every table it refers to (a reference between
   * tables without tenant_id, or a cycle, leaves the rest in name order).
   */
  static List<String> childrenFirst(List<String> tables, List<Object[]> references) {
    Set<String> ours = new HashSet<>(tables);
    Map<String, Integer> referrers = new HashMap<>();
    Map<String, List<String>> refersTo = new HashMap<>();
    for (String t : tables) {
      referrers.put(t, 0);
      refersTo.put(t, new ArrayList<>());
    }
    for (Object[] r : references) {
      String child = (String) r[0];
      String parent = (String) r[1];
      if (ours.contains(child) && ours.contains(parent)) {
        refersTo.get(child).add(parent);
        referrers.merge(parent, 1, Integer::sum);
      }
    }
    ArrayDeque<String> free = new ArrayDeque<>();
    for (String t : tables) {
      if (referrers.get(t) == 0) {
        free.add(t);
      }
    }
    List<String> order = new ArrayList<>();
    while (!free.isEmpty()) {
      String t = free.poll();
      order.add(t);
      for (String parent : refersTo.get(t)) {
        if (referrers.merge(parent, -1, Integer::sum) == 0) {
          free.add(parent);
        }
      }
    }
    for (String t : tables) {
      if (!order.contains(t)) {
        order.add(t); // a cycle: its foreign keys cascade or are deferred, or the delete says so
      }
    }
    return order;
  }
}
