package io.smbcopilot.workflow.workflows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Values between a run's JSON (trigger data, step inputs and outputs) and CEL's: objects are maps,
 * arrays lists, integers {@code Long} (CEL's int), other numbers {@code Double}, null CEL's null.
 */
final class Values {
  /** CEL's null. */
  static final Object NULL = com.google.protobuf.NullValue.NULL_VALUE;

  private Values() {}

  static Object fromJson(JsonNode node) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return NULL;
    }
    if (node.isObject()) {
      Map<String, Object> map = new LinkedHashMap<>();
      node.fields().forEachRemaining(e -> map.put(e.getKey(), fromJson(e.getValue())));
      return map;
    }
    if (node.isArray()) {
      List<Object> list = new ArrayList<>(node.size());
      node.forEach(e -> list.add(fromJson(e)));
      return list;
    }
    if (node.isIntegralNumber()) {
      return node.asLong();
    }
    if (node.isNumber()) {
      return node.asDouble();
    }
    if (node.isBoolean()) {
      return node.asBoolean();
    }
    return node.asText();
  }

  static JsonNode toJson(ObjectMapper json, Object value) {
    if (value == null || value == NULL) {
      return json.nullNode();
    }
    if (value instanceof Map<?, ?> map) {
      var object = json.createObjectNode();
      map.forEach((k, v) -> object.set(String.valueOf(k), toJson(json, v)));
      return object;
    }
    if (value instanceof List<?> list) {
      var array = json.createArrayNode();
      list.forEach(v -> array.add(toJson(json, v)));
      return array;
    }
    if (value instanceof JsonNode node) {
      return node;
    }
    return json.valueToTree(value);
  }
}
