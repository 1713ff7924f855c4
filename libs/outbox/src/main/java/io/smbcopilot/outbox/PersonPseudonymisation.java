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
    return handlers.on(
        EventType.MEMBER_PSEUDONYMISED,
        MemberPseudonymised.class,
        (p, event) ->
            pseudonymise(
                    UUID.fromString(p.tenantId()),
                    p.userId(),
                    p.pseudonym(),
                    p.emails() == null ? List.of() : p.emails())
                .replaceWithVoid());
  }

  /**
   * Replaces the person's id and addresses in the current transaction; the rows changed by {@code
   * table.column}. Doing it again finds nothing more to change.
   */
  public Uni<Map<String, Integer>> pseudonymise(
      UUID tenantId, String userId, String pseudonym, List<String> addresses) {
    Map<String, Integer> changed = new LinkedHashMap<>();
    String tenant = tenantId.toString();
    return Panache.getSession()
        .chain(
            s -> {
              Uni<Void> all =
                  s.createNativeQuery(PSEUDONYMISING).getSingleResult().replaceWithVoid();
              for (String[] d : drop) {
                all =
                    all.chain(
                        () ->
                            run(
                                s,
                                changed,
                                d,
                                "DELETE FROM "
                                    + d[0]
                                    + " WHERE tenant_id::text = ?1 AND "
                                    + d[1]
                                    + "::text = ?2",
                                tenant,
                                userId,
                                null));
              }
              for (String[] c : clear) {
                all =
                    all.chain(
                        () ->
                            run(
                                s,
                                changed,
                                c,
                                "UPDATE "
                                    + c[0]
                                    + " SET "
                                    + c[1]
                                    + " = NULL WHERE tenant_id::text"
                                    + " = ?1 AND "
                                    + c[2]
                                    + "::text = ?2 AND "
                                    + c[1]
                                    + " IS NOT NULL",
                                tenant,
                                userId,
                                null));
              }
              List<String> values = new ArrayList<>(addresses);
              values.add(userId);
              for (String[] j : json) {
                all = all.chain(() -> within(s, changed, j, "::jsonb", tenant, values, pseudonym));
              }
              for (String[] t : text) {
                all = all.chain(() -> within(s, changed, t, "", tenant, values, pseudonym));
              }
              for (String[] e : emails) {
                for (String address : addresses) {
                  all =
                      all.chain(
                          () ->
                              run(
                                  s,
                                  changed,
                                  e,
                                  "UPDATE "
                                      + e[0]
                                      + " SET "
                                      + e[1]
                                      + " = cast(?3 as text)"
                                      + " WHERE tenant_id::text = ?1 AND lower("
                                      + e[1]
                                      + ") = lower(cast(?2 as text))",
                                  tenant,
                                  address,
                                  address(pseudonym)));
                }
              }
              for (String[] i : ids) {
                all =
                    all.chain(
                        () ->
                            run(
                                s,
                                changed,
                                i,
                                "UPDATE "
                                    + i[0]
                                    + " SET "
                                    + i[1]
                                    + " = cast(?3 as text)"
                                    + " WHERE tenant_id::text = ?1 AND "
                                    + i[1]
                                    + "::text = ?2",
                                tenant,
                                userId,
                                pseudonym));
              }
              return all;
            })
        .invoke(() -> LOG.infof("a person pseudonymised: rows changed by column %s", changed))
        .replaceWith(changed);
  }

  /**
   * Replaces their id and addresses inside a column's text (as written: a JSON string holds an id
   * or an address as it is), {@code cast} back to the column's type.
   */
  private static Uni<Void> within(
      Mutiny.Session s,
      Map<String, Integer> changed,
      String[] column,
      String cast,
      String tenant,
      List<String> values,
      String pseudonym) {
    Uni<Void> all = Uni.createFrom().voidItem();
    for (String value : values) {
      String replacement = value.contains("@") ? address(pseudonym) : pseudonym;
      all =
          all.chain(
              () ->
                  run(
                      s,
                      changed,
                      column,
                      "UPDATE "
                          + column[0]
                          + " SET "
                          + column[1]
                          + " = replace("
                          + column[1]
                          + "::text, cast(?2 as text), cast(?3 as text))"
                          + cast
                          + " WHERE tenant_id::text = ?1 AND strpos("
                          + column[1]
                          + "::text, cast(?2 as text)) > 0",
                      tenant,
                      value,
                      replacement));
    }
    return all;
  }

  private static Uni<Void> run(
      Mutiny.Session s,
      Map<String, Integer> changed,
      String[] where,
      String sql,
      String tenant,
      String value,
      String replacement) {
    var query = s.createNativeQuery(sql).setParameter(1, tenant).setParameter(2, value);
    if (replacement != null) {
      query = query.setParameter(3, replacement);
    }
    return query
        .executeUpdate()
        .invoke(
            n -> {
              if (n > 0) {
                changed.merge((where[0] + "." + where[1]).replace("\"", ""), n, Integer::sum);
              }
            })
        .replaceWithVoid();
  }
}
