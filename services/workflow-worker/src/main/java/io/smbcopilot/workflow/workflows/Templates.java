package io.smbcopilot.workflow.workflows;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.smbcopilot.problem.Problem;
import io.smbcopilot.problem.ProblemException;
import io.smbcopilot.problem.ProblemType;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * The workflow templates that ship with the platform ({@code workflow-templates/*.json}): a
 * definition and the parameters a tenant fills in (a collection, a partner's URL, a time zone),
 * each put at its place in the definition (a JSON pointer), so a template needs no text
 * substitution.
 */
@ApplicationScoped
public class Templates {
  static final List<String> IDS =
      List.of(
          "summarize-new-documents", "weekly-digest", "draft-email-reply", "invoice-to-partner");

  public record Parameter(
      String name,
      String description,
      boolean required,
      @Schema(
              description =
                  "what the value is: collection (a collection's id), url, timeZone (IANA) or text")
          String type,
      @Schema(description = "the value when none is given") String defaultValue,
      @Schema(hidden = true) String target) {}

  public record Template(
      String id,
      String name,
      String description,
      List<Parameter> parameters,
      @Schema(description = "the definition, before its parameters are filled in")
          Definition definition) {}

  private final Map<String, Template> templates = new LinkedHashMap<>();
  private final Map<String, JsonNode> definitions = new LinkedHashMap<>();
  private final ObjectMapper json;

  public Templates(ObjectMapper json) {
    this.json = json;
    for (String id : IDS) {
      try (InputStream in =
          Templates.class.getResourceAsStream("/workflow-templates/" + id + ".json")) {
        JsonNode t = json.readTree(in);
        List<Parameter> parameters = new ArrayList<>();
        for (JsonNode p : t.path("parameters")) {
          parameters.add(
              new Parameter(
                  p.get("name").asText(),
                  p.get("description").asText(),
                  p.path("required").asBoolean(false),
                  p.path("type").asText("text"),
                  p.hasNonNull("default") ? p.get("default").asText() : null,
                  p.get("target").asText()));
        }
        templates.put(
            id,
            new Template(
                id,
                t.get("name").asText(),
                t.get("description").asText(),
                List.copyOf(parameters),
                json.treeToValue(t.get("definition"), Definition.class)));
        definitions.put(id, t.get("definition"));
      } catch (IOException e) {
        throw new UncheckedIOException("workflow template " + id, e);
      }
    }
  }

  public List<Template> all() {
    return List.copyOf(templates.values());
  }

  /** The template (404 when none has this id). */
  public Template get(String id) {
    Template t = templates.get(id);
    if (t == null) {
      throw ProblemException.notFound("workflow template " + id);
    }
    return t;
  }

  /**
   * The template's definition with the parameters filled in (defaults for those not given); a 400
   * problem names each required one missing and each that the template does not have.
   */
  public Definition fill(String id, Map<String, String> given) {
    Template t = get(id);
    Map<String, String> values = given == null ? Map.of() : given;
    List<Problem.FieldError> errors = new ArrayList<>();
    for (String name : values.keySet()) {
      if (t.parameters().stream().noneMatch(p -> p.name().equals(name))) {
        errors.add(
            new Problem.FieldError(
                "body.parameters." + name, "is not a parameter of the template " + id));
      }
    }
    JsonNode definition = definitions.get(id).deepCopy();
    for (Parameter p : t.parameters()) {
      String value = values.getOrDefault(p.name(), p.defaultValue());
      if (value == null || value.isBlank()) {
        if (p.required()) {
          errors.add(
              new Problem.FieldError(
                  "body.parameters." + p.name(), "is required: " + p.description()));
        }
        continue;
      }
      put(definition, JsonPointer.compile(p.target()), value);
    }
    if (!errors.isEmpty()) {
      throw new ProblemException(
          ProblemType.VALIDATION, errors.get(0).field() + ": " + errors.get(0).message(), errors);
    }
    try {
      return json.treeToValue(definition, Definition.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void put(JsonNode root, JsonPointer at, String value) {
    JsonNode parent = root.at(at.head());
    String last = at.last().getMatchingProperty();
    if (parent instanceof ObjectNode o) {
      o.set(last, TextNode.valueOf(value));
    } else if (parent instanceof ArrayNode a) {
      a.set(Integer.parseInt(last), TextNode.valueOf(value));
    } else {
      throw new IllegalStateException("a template's parameter points nowhere: " + at);
    }
  }
}
