package io.smbcopilot.problem;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.std.JsonNodeDeserializer;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.deser.std.StringDeserializer;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.NullNode;
import io.quarkus.jackson.ObjectMapperCustomizer;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.util.Iterator;
import java.util.Map;

/**
 * A NUL character ({@code \u0000}) in a request's text is refused (400) by every service:
 * PostgreSQL stores no NUL in {@code text} or {@code jsonb}, and the insert failed as a 500 (found
 * by the API fuzzing test). It applies to every string a body is read into, and to every string and
 * field name of a JSON tree ({@code JsonNode}).
 */
@Singleton
public class NoNulCharacters implements ObjectMapperCustomizer {
  static final String MESSAGE = "NUL characters are not allowed";

  @Override
  public void customize(ObjectMapper mapper) {
    SimpleModule module = new SimpleModule("copilot-no-nul");
    module.addDeserializer(String.class, new Strings());
    module.addDeserializer(JsonNode.class, new Trees());
    mapper.registerModule(module);
  }

  /** Whether a value carries a NUL character. */
  static boolean hasNul(Object value) {
    return value instanceof String s && s.indexOf('\0') >= 0;
  }

  static final class Strings extends StdScalarDeserializer<String> {
    Strings() {
      super(String.class);
    }

    @Override
    public String deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
      String value = StringDeserializer.instance.deserialize(p, ctx);
      if (hasNul(value)) {
        throw InvalidFormatException.from(p, MESSAGE, value, String.class);
      }
      return value;
    }
  }

  static final class Trees extends StdDeserializer<JsonNode> {
    Trees() {
      super(JsonNode.class);
    }

    @Override
    public JsonNode deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
      JsonNode tree = JsonNodeDeserializer.getDeserializer(JsonNode.class).deserialize(p, ctx);
      String bad = nul(tree);
      if (bad != null) {
        throw InvalidFormatException.from(p, MESSAGE, bad, String.class);
      }
      return tree;
    }

    @Override
    public JsonNode getNullValue(DeserializationContext ctx) {
      return NullNode.getInstance();
    }

    /** The first text or field name of the tree with a NUL character; null when none has. */
    private static String nul(JsonNode node) {
      if (node.isTextual()) {
        return hasNul(node.textValue()) ? node.textValue() : null;
      }
      if (node.isObject()) {
        for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext(); ) {
          Map.Entry<String, JsonNode> field = fields.next();
          if (hasNul(field.getKey())) {
            return field.getKey();
          }
          String inside = nul(field.getValue());
          if (inside != null) {
            return inside;
          }
        }
      } else if (node.isArray()) {
        for (JsonNode item : node) {
          String inside = nul(item);
          if (inside != null) {
            return inside;
          }
        }
      }
      return null;
    }
  }
}
