package io.smbcopilot.notifications.kinds;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.qute.Engine;
import io.quarkus.qute.Template;
import io.smbcopilot.security.Permission;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The catalog of notification kinds ({@code notifications/kinds.json}): what creates each, to whom
 * it goes, where it goes by default, and its words. Adding a kind is a change of that file, not of
 * the consumers.
 */
public final class NotificationKinds {
  public static final String RESOURCE = "notifications/kinds.json";

  /** Where a notification goes. */
  public static final Set<String> DELIVERIES = Set.of("in-app", "email", "both", "none");

  /** A kind, its templates parsed. */
  public record Kind(
      String kind,
      String description,
      String event,
      Map<String, String> when,
      String toField,
      List<String> toRoles,
      String toPermission,
      String exceptField,
      String delivery,
      Template title,
      Template body,
      Template link) {

    /** True when the kind goes to members by role or permission (not to a user the data names). */
    public boolean toGroup() {
      return !toRoles.isEmpty() || toPermission != null;
    }

    /** True when the event's data is this kind's. */
    public boolean matches(String type, JsonNode data) {
      if (event == null || !event.equals(type)) {
        return false;
      }
      for (Map.Entry<String, String> w : when.entrySet()) {
        if (!data.path(w.getKey()).asText().equals(w.getValue())) {
          return false;
        }
      }
      return true;
    }

    /** The words and link for this data and tenant. */
    public Words render(Map<String, Object> data, String tenant) {
      Map<String, Object> values = Map.of("data", data, "tenant", tenant);
      return new Words(
          title.data(values).render().strip(),
          body.data(values).render().strip(),
          link == null ? null : link.data(values).render().strip());
    }
  }

  /** A notification's words. */
  public record Words(String title, String body, String link) {}

  private final Map<String, Kind> kinds;

  private NotificationKinds(Map<String, Kind> kinds) {
    this.kinds = kinds;
  }

  /** The catalog from the class path, its templates parsed by this engine. */
  public static NotificationKinds load(ObjectMapper json, Engine engine) {
    try (InputStream in = NotificationKinds.class.getClassLoader().getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing");
      }
      return parse(json.readTree(in), engine);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static NotificationKinds parse(JsonNode root, Engine engine) {
    Map<String, Kind> kinds = new LinkedHashMap<>();
    for (JsonNode k : root.path("kinds")) {
      String name = required(k, "kind", "?");
      Map<String, String> when = new LinkedHashMap<>();
      k.path("when").properties().forEach(e -> when.put(e.getKey(), e.getValue().asText()));
      List<String> roles = new ArrayList<>();
      k.path("to").path("roles").forEach(r -> roles.add(r.asText()));
      String permission =
          k.path("to").hasNonNull("permission") ? k.path("to").get("permission").asText() : null;
      if (permission != null
          && java.util.Arrays.stream(Permission.values())
              .noneMatch(p -> p.value().equals(permission))) {
        throw new IllegalStateException(name + ": unknown permission " + permission);
      }
      String delivery = required(k, "delivery", name);
      if (!DELIVERIES.contains(delivery)) {
        throw new IllegalStateException(name + ": unknown delivery " + delivery);
      }
      Kind kind =
          new Kind(
              name,
              required(k, "description", name),
              k.hasNonNull("event") ? k.get("event").asText() : null,
              Map.copyOf(when),
              k.path("to").hasNonNull("field") ? k.path("to").get("field").asText() : null,
              List.copyOf(roles),
              permission,
              k.path("to").hasNonNull("except") ? k.path("to").get("except").asText() : null,
              delivery,
              engine.parse(required(k, "title", name)),
              engine.parse(required(k, "body", name)),
              k.hasNonNull("link") ? engine.parse(k.get("link").asText()) : null);
      if (kind.event() != null && kind.toField() == null && !kind.toGroup()) {
        throw new IllegalStateException(name + ": an event's kind needs 'to'");
      }
      if (kinds.put(name, kind) != null) {
        throw new IllegalStateException(name + " is in the catalog twice");
      }
    }
    return new NotificationKinds(java.util.Collections.unmodifiableMap(kinds));
  }

  private static String required(JsonNode k, String field, String kind) {
    if (!k.hasNonNull(field)) {
      throw new IllegalStateException("kind " + kind + " has no " + field);
    }
    return k.get(field).asText();
  }

  /** Every kind, in the catalog's order. */
  public List<Kind> all() {
    return List.copyOf(kinds.values());
  }

  public Optional<Kind> get(String kind) {
    return Optional.ofNullable(kinds.get(kind));
  }

  /** The kinds this event makes (usually one, or none). */
  public List<Kind> of(String type, JsonNode data) {
    return kinds.values().stream().filter(k -> k.matches(type, data)).toList();
  }
}
