package io.smbcopilot.outbox;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.smbcopilot.events.EventType;
import io.smbcopilot.events.identity.MemberPseudonymised;
import jakarta.enterprise.context.ApplicationScoped;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BiFunction;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.hibernate.reactive.mutiny.Mutiny;
import org.jboss.logging.Logger;

/**
 * Replaces a former member's personal data in this service by a pseudonym (issue 18), in the
 * caller's transaction, where the records must stay: their id becomes the pseudonym, their
 * addresses {@code <pseudonym>@pseudonymised.invalid}, and what is only theirs is deleted. No
 * mapping from the pseudonym back to the person is kept anywhere.
 *
 * <p>Where the service keeps a person's id is what its own export of a person names ({@code
 * copilot.export.personal}, its {@code table.column} entries) and {@code
 * copilot.pseudonymise.replace} besides; {@code copilot.pseudonymise.drop} ({@code table.column})
 * names rows deleted instead, {@code copilot.pseudonymise.clear} ({@code table.column=idcolumn})
 * columns emptied in their rows (the address they came from), {@code copilot.pseudonymise.emails}
 * ({@code table.column}) columns holding an address, {@code copilot.pseudonymise.json} ({@code
 * table.column}, jsonb) and {@code copilot.pseudonymise.text} ({@code table.column}, text: a
 * notification's title, a delivered event's body) in which their id and addresses are replaced. In
 * that order.
 */
@ApplicationScoped
public class PersonPseudonymisation {
  private static final Logger LOG = Logger.getLogger(PersonPseudonymisation.class);
  private static final SecureRandom RANDOM = new SecureRandom();

  /** In this transaction, the audit log's trigger lets a person's id and address be replaced. */
  public static final String PSEUDONYMISING =
      "SELECT set_config('copilot.pseudonymising', 'on', true)";

  private final List<String[]> ids = new ArrayList<>();
  private final List<String[]> drop;
  private final List<String[]> clear;
  private final List<String[]> emails;
  private final List<String[]> json;
  private final List<String[]> text;

  public PersonPseudonymisation(
      @ConfigProperty(name = "copilot.export.personal") Optional<List<String>> personal,
      @ConfigProperty(name = "copilot.pseudonymise.replace") Optional<List<String>> replace,
      @ConfigProperty(name = "copilot.pseudonymise.drop") Optional<List<String>> drop,
      @ConfigProperty(name = "copilot.pseudonymise.clear") Optional<List<String>> clear,
      @ConfigProperty(name = "copilot.pseudonymise.emails") Optional<List<String>> emails,
      @ConfigProperty(name = "copilot.pseudonymise.json") Optional<List<String>> json,
      @ConfigProperty(name = "copilot.pseudonymise.text") Optional<List<String>> text) {
    for (String entry : personal.orElse(List.of())) {
      if (!entry.contains("=")) {
        ids.add(columns(entry, false));
      }
    }
    for (String entry : replace.orElse(List.of())) {
      ids.add(columns(entry, false));
    }
    this.drop = all(drop, false);
    this.clear = all(clear, true);
    this.emails = all(emails, false);
    this.json = all(json, false);
    this.text = all(text, false);
  }

  private static List<String[]> all(Optional<List<String>> entries, boolean linked) {
    List<String[]> all = new ArrayList<>();
    for (String entry : entries.orElse(List.of())) {
      all.add(columns(entry, linked));
    }
    return all;
  }

  /** {@code table.column} (or {@code table.column=idcolumn}) as quoted identifiers. */
  static String[] columns(String entry, boolean linked) {
    String[] link = entry.split("=", 2);
    String[] tc = link[0].trim().split("\\.", 2);
    if (tc.length != 2 || tc[0].isBlank() || tc[1].isBlank() || linked != (link.length == 2)) {
      throw new IllegalArgumentException(
          "copilot.pseudonymise: "
              + entry
              + " is not "
              + (linked ? "table.column=idcolumn" : "table.column"));
    }
    return linked
        ? new String[] {quote(tc[0]), quote(tc[1]), quote(link[1].trim())}
        : new String[] {quote(tc[0]), quote(tc[1])};
  }

  private static String quote(String identifier) {
    return "\"" + identifier.replace("\"", "\"\"") + "\"";
  }

  /** A new pseudonym: nothing in it leads back to the person. */
  public static String pseudonym() {
    byte[] bytes = new byte[6];
    RANDOM.nextBytes(bytes);
    return "former-member-" + HexFormat.of().formatHex(bytes);
  }

  /** The address that stands for a pseudonymised person's. */
  public static String address(String pseudonym) {
    return pseudonym + "@pseudonymised.invalid";
  }

  /** Registers this service's part on {@code member-pseudonymised}. */
  public EventHandlers handle(EventHandlers handlers) {
    return handle(handlers, (tenant, p) -> Uni.createFrom().voidItem());
  }

  /**
   * Registers this service's part on {@code member-pseudonymised}, and {@code then} in the same
   * transaction (what else the service must do: withdraw what holds copies of the person).
   */
  public EventHandlers handle(
      EventHandlers handlers, BiFunction<UUID, MemberPseudonymised, Uni<Void>> then) {
    return handlers.on(
        EventType.MEMBER_PSEUDONYMISED,
        MemberPseudonymised.class,
        (p, event) -> {
          UUID tenant = UUID.fromString(p.tenantId());
          return pseudonymise(
                  tenant, p.userId(), p.pseudonym(), p.emails() == null ? List.of() : p.emails())
              .chain(() -> then.apply(tenant, p));
        });
  }

  /** One statement: on {@code column} (table, column...), ?2 {@code value}, ?3 its replacement. */
  private record Step(String[] column, String sql, String value, String replacement) {}

  /**
   * Replaces the person's id and addresses in the current transaction; the rows changed by {@code
   * table.column}. Doing it again finds nothing more to change.
   */
  public Uni<Map<String, Integer>> pseudonymise(
      UUID tenantId, String userId, String pseudonym, List<String> addresses) {
    List<Step> steps = new ArrayList<>();
    for (String[] d : drop) {
      steps.add(
          new Step(
              d,
              "DELETE FROM %1$s WHERE tenant_id::text = ?1 AND %2$s::text = ?2"
                  .formatted(d[0], d[1]),
              userId,
              null));
    }
    for (String[] c : clear) {
      steps.add(
          new Step(
              c,
              ("UPDATE %1$s SET %2$s = NULL WHERE tenant_id::text = ?1 AND %3$s::text = ?2"
                      + " AND %2$s IS NOT NULL")
                  .formatted(c[0], c[1], c[2]),
              userId,
              null));
    }
    // inside JSON and text, as written (a JSON string holds an id or an address as it is); the
    // addresses first, then the id
    List<String> values = new ArrayList<>(addresses);
    values.add(userId);
    inside(steps, json, "::jsonb", values, userId, pseudonym);
    inside(steps, text, "", values, userId, pseudonym);
    for (String[] e : emails) {
      for (String address : addresses) {
        steps.add(
            new Step(
                e,
                ("UPDATE %1$s SET %2$s = cast(?3 as text)"
                        + " WHERE tenant_id::text = ?1 AND lower(%2$s) = lower(cast(?2 as text))")
                    .formatted(e[0], e[1]),
                address,
                address(pseudonym)));
      }
    }
    for (String[] c : ids) {
      steps.add(
          new Step(
              c,
              "UPDATE %1$s SET %2$s = cast(?3 as text) WHERE tenant_id::text = ?1 AND %2$s::text = ?2"
                  .formatted(c[0], c[1]),
              userId,
              pseudonym));
    }
    Map<String, Integer> changed = new LinkedHashMap<>();
    String tenant = tenantId.toString();
    return Panache.getSession()
        .chain(
            s -> {
              Uni<Void> all =
                  s.createNativeQuery(PSEUDONYMISING).getSingleResult().replaceWithVoid();
              for (Step step : steps) {
                all = all.chain(() -> run(s, changed, step, tenant));
              }
              return all;
            })
        .invoke(() -> LOG.infof("a person pseudonymised: rows changed by column %s", changed))
        .replaceWith(changed);
  }

  /** The steps that replace each value inside the columns' text, {@code cast} back to its type. */
  private static void inside(
      List<Step> steps,
      List<String[]> columns,
      String cast,
      List<String> values,
      String userId,
      String pseudonym) {
    for (String[] c : columns) {
      for (String value : values) {
        steps.add(
            new Step(
                c,
                ("UPDATE %1$s SET %2$s = replace(%2$s::text, cast(?2 as text), cast(?3 as text))%3$s"
                        + " WHERE tenant_id::text = ?1 AND strpos(%2$s::text, cast(?2 as text)) > 0")
                    .formatted(c[0], c[1], cast),
                value,
                value.equals(userId) ? pseudonym : address(pseudonym)));
      }
    }
  }

  private static Uni<Void> run(
      Mutiny.Session s, Map<String, Integer> changed, Step step, String tenant) {
    var query =
        s.createNativeQuery(step.sql()).setParameter(1, tenant).setParameter(2, step.value());
    if (step.replacement() != null) {
      query = query.setParameter(3, step.replacement());
    }
    return query
        .executeUpdate()
        .invoke(
            n -> {
              if (n > 0) {
                changed.merge(
                    (step.column()[0] + "." + step.column()[1]).replace("\"", ""), n, Integer::sum);
              }
            })
        .replaceWithVoid();
  }
}
