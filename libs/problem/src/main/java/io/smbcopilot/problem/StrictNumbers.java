package io.smbcopilot.problem;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.jackson.ObjectMapperCustomizer;
import jakarta.inject.Singleton;

/**
 * A request's number with a fraction is no whole number: Jackson would cut {@code 1.5} to {@code 1}
 * for an integer field and accept it; every service refuses it (400, like any wrongly typed value).
 */
@Singleton
public class StrictNumbers implements ObjectMapperCustomizer {
  @Override
  public void customize(ObjectMapper mapper) {
    mapper.disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);
  }
}
