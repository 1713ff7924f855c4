package io.smbcopilot.workflow.domain;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The JSON columns of the service's entities (kept as text, bound as jsonb), written and read. */
public final class JsonColumns {
  private JsonColumns() {}

  public static String write(ObjectMapper json, Object value) {
    try {
      return json.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The column's JSON; null for a null column. */
  public static JsonNode read(ObjectMapper json, String value) {
    if (value == null) {
      return null;
    }
    try {
      return json.readTree(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
