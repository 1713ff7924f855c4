package io.smbcopilot.workflow.rest;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.jackson.ObjectMapperCustomizer;
import jakarta.inject.Singleton;

/**
 * Amounts (the usage API's costs) are written as plain decimals: {@code 0.00000123}, not {@code
 * 1.23E-6}, and a zero cost of the database's scale as {@code 0.00000000}, not {@code 0E-8}.
 */
@Singleton
public class PlainDecimals implements ObjectMapperCustomizer {
  @Override
  public void customize(ObjectMapper mapper) {
    mapper.enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);
  }
}
