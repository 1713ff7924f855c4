package io.smbcopilot.workflow.workflows;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.smbcopilot.problem.Problem;
import io.smbcopilot.problem.ProblemException;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The shipped templates: each, filled in, is a valid definition for a tenant without a language
 * model; parameters land where the template says; missing and unknown parameters are refused.
 */
class TemplatesTest {
  final Templates templates = new Templates(new ObjectMapper());

  static Map<String, String> parameters(Templates.Template t) {
    Map<String, String> values = new HashMap<>();
    for (Templates.Parameter p : t.parameters()) {
      values.put(p.name(), p.name().equals("partnerUrl") ? "https://books.example/in" : "c-1");
    }
    values.remove("timeZone"); // a default fills it
    return values;
  }

  @Test
  void everyTemplateFilledInIsAValidDefinition() {
    assertThat(templates.all())
        .extracting(Templates.Template::id)
        .containsExactly(
            "summarize-new-documents", "weekly-digest", "draft-email-reply", "invoice-to-partner");
    for (Templates.Template t : templates.all()) {
      Definition d = templates.fill(t.id(), parameters(t));
      assertThatCode(() -> DefinitionValidator.check(d, DefinitionValidatorTest.EXTRACTIVE))
          .as(t.id())
          .doesNotThrowAnyException();
    }
  }

  @Test
  void eachParameterSaysWhatKindOfValueItTakes() {
    Map<String, String> kinds = new HashMap<>();
    for (Templates.Template t : templates.all()) {
      for (Templates.Parameter p : t.parameters()) {
        kinds.put(t.id() + "." + p.name(), p.type());
      }
    }
    assertThat(kinds)
        .containsEntry("draft-email-reply.collection", "collection")
        .containsEntry("draft-email-reply.knowledge", "collection")
        .containsEntry("invoice-to-partner.partnerUrl", "url")
        .containsEntry("weekly-digest.timeZone", "timeZone");
    assertThat(kinds.values()).allMatch(k -> k.matches("collection|url|timeZone|text"));
  }

  @Test
  void parametersLandWhereTheTemplateSays() {
    Definition invoices =
        templates.fill(
            "invoice-to-partner",
            Map.of("collection", "invoices", "partnerUrl", "https://books.example/in"));
    assertThat(invoices.trigger().collection()).isEqualTo("invoices");
    assertThat(invoices.steps().get(1).inputs().get("url").asText())
        .isEqualTo("https://books.example/in");
    assertThat(templates.fill("weekly-digest", Map.of()).trigger().timeZone()).isEqualTo("UTC");
    assertThat(
            templates
                .fill("weekly-digest", Map.of("timeZone", "Europe/Vienna"))
                .trigger()
                .timeZone())
        .isEqualTo("Europe/Vienna");
  }

  @Test
  void missingAndUnknownParametersAreRefused() {
    ProblemException e =
        catchThrowableOfType(
            ProblemException.class,
            () -> templates.fill("invoice-to-partner", Map.of("colour", "blue")));
    assertThat(e.errors())
        .extracting(Problem.FieldError::field)
        .containsExactlyInAnyOrder(
            "body.parameters.colour", "body.parameters.collection", "body.parameters.partnerUrl");
    assertThat(catchThrowableOfType(ProblemException.class, () -> templates.get("no-such")).type())
        .isEqualTo(io.smbcopilot.problem.ProblemType.NOT_FOUND);
  }
}
