package io.smbcopilot.gateway.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smbcopilot.gateway.route.RouteTable;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.eclipse.microprofile.config.Config;
import org.jboss.logging.Logger;

/**
 * One OpenAPI document of the public API: the {@code /api/v1} paths of every service's own
 * document, their schemas (renamed when two services use one name for different shapes), the
 * gateway's own paths, and the two ways to authenticate. Blocking; cached for 30 seconds (5 when a
 * service did not answer).
 */
@ApplicationScoped
public class OpenApiMerger {
  private static final Logger LOG = Logger.getLogger(OpenApiMerger.class);
  private final ObjectMapper json;
  private final Map<String, String> services = new java.util.LinkedHashMap<>();
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(2))
          .build();
  private volatile String cached;
  private volatile long cachedUntil;

  public OpenApiMerger(ObjectMapper json, RouteTable routes, Config config) {
    this.json = json;
    for (String service : new TreeSet<>(routes.upstreams())) {
      services.put(
          service,
          config
              .getOptionalValue("copilot.services." + service + ".url", String.class)
              .orElse("http://" + service + ":8080"));
    }
  }

  public synchronized String document() {
    if (cached != null && System.currentTimeMillis() < cachedUntil) {
      return cached;
    }
    ObjectNode merged = json.createObjectNode();
    merged.put("openapi", "3.1.0");
    ObjectNode info = merged.putObject("info");
    info.put("title", "SMB Copilot API");
    info.put("version", "v1");
    info.put(
        "description",
        "The public API of SMB Copilot, through the gateway. Authenticate with a Keycloak access"
            + " token (Authorization: Bearer) or an API key (Authorization: Bearer or X-API-Key)."
            + " Errors are RFC 9457 problem+json.");
    merged.putArray("servers").addObject().put("url", "/");
    ObjectNode paths = merged.putObject("paths");
    ObjectNode schemas = merged.putObject("components").putObject("schemas");
    ObjectNode security = ((ObjectNode) merged.get("components")).putObject("securitySchemes");
    security
        .putObject("bearer")
        .put("type", "http")
        .put("scheme", "bearer")
        .put("description", "A Keycloak access token of realm copilot, or an API key");
    security.putObject("apiKey").put("type", "apiKey").put("in", "header").put("name", "X-API-Key");
    ArrayNode requirement = merged.putArray("security");
    requirement.addObject().putArray("bearer");
    requirement.addObject().putArray("apiKey");
    gatewayPaths(paths);
    List<String> missing = new ArrayList<>();
    for (Map.Entry<String, String> service : services.entrySet()) {
      try {
        merge(service.getKey(), fetch(service.getValue()), paths, schemas);
      } catch (Exception e) {
        missing.add(service.getKey());
        LOG.debugf("OpenAPI of %s not available: %s", service.getKey(), e.toString());
      }
    }
    if (!missing.isEmpty()) {
      ArrayNode list = merged.putArray("x-unavailable-services");
      missing.forEach(list::add);
    }
    cached = merged.toString();
    cachedUntil = System.currentTimeMillis() + (missing.isEmpty() ? 30_000 : 5_000);
    return cached;
  }

  private JsonNode fetch(String base) throws Exception {
    // HTTP/1.1: over an h2c upgrade, the JDK client stalled reading a body larger than the
    // HTTP/2 window (the ingestion service's document) until the test's 30 s ran out. The whole
    // exchange, body included, is bounded (the request timeout covers only the headers).
    HttpResponse<String> response =
        http.sendAsync(
                HttpRequest.newBuilder(URI.create(base + "/q/openapi?format=json"))
                    .version(HttpClient.Version.HTTP_1_1)
                    .timeout(Duration.ofSeconds(3))
                    .build(),
                HttpResponse.BodyHandlers.ofString())
            .get(5, java.util.concurrent.TimeUnit.SECONDS);
    if (response.statusCode() != 200) {
      throw new IllegalStateException("answered " + response.statusCode());
    }
    return json.readTree(response.body());
  }

  private void merge(String service, JsonNode document, ObjectNode paths, ObjectNode schemas)
      throws Exception {
    Map<String, String> renames = new java.util.HashMap<>();
    JsonNode own = document.path("components").path("schemas");
    Iterator<Map.Entry<String, JsonNode>> fields = own.fields();
    String prefix =
        Character.toUpperCase(service.charAt(0)) + service.substring(1).replace("-", "");
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> schema = fields.next();
      JsonNode existing = schemas.get(schema.getKey());
      if (existing != null && !existing.equals(schema.getValue())) {
        renames.put(schema.getKey(), prefix + schema.getKey());
      }
    }
    String text = document.toString();
    for (Map.Entry<String, String> rename : renames.entrySet()) {
      text =
          text.replace(
              "\"#/components/schemas/" + rename.getKey() + "\"",
              "\"#/components/schemas/" + rename.getValue() + "\"");
    }
    JsonNode rewritten = json.readTree(text);
    rewritten
        .path("components")
        .path("schemas")
        .fields()
        .forEachRemaining(
            s -> schemas.set(renames.getOrDefault(s.getKey(), s.getKey()), s.getValue()));
    rewritten
        .path("paths")
        .fields()
        .forEachRemaining(
            p -> {
              if (p.getKey().startsWith("/api/v1/")) {
                paths.set(p.getKey(), p.getValue());
              }
            });
  }

  private void gatewayPaths(ObjectNode paths) {
    ObjectNode get = paths.putObject("/api/v1/openapi.json").putObject("get");
    get.putArray("tags").add("docs");
    get.put("summary", "This document: the merged OpenAPI description of the public API");
    get.putArray("security");
    get.putObject("responses").putObject("200").put("description", "OpenAPI 3.1, JSON");
    ObjectNode config = paths.putObject("/api/v1/client-config").putObject("get");
    config.putArray("tags").add("docs");
    config.put(
        "summary",
        "Where a browser client signs in: the OpenID Connect issuer and the dashboard's client id");
    config.putArray("security");
    ObjectNode ok = config.putObject("responses").putObject("200");
    ok.put("description", "the dashboard's sign-in settings");
    ObjectNode schema = ok.putObject("content").putObject("application/json").putObject("schema");
    schema.put("type", "object");
    schema.putArray("required").add("authority").add("clientId");
    ObjectNode properties = schema.putObject("properties");
    properties
        .putObject("authority")
        .put("type", "string")
        .put("description", "the realm's issuer URL, as browsers reach it");
    properties.putObject("clientId").put("type", "string");
  }
}
