package io.smbcopilot.workflow.workflows;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The model-free defaults: extractive summaries and pattern extraction into a JSON Schema. */
public class TextStepsTest {
  public static final ObjectMapper JSON = new ObjectMapper();

  public static final String INVOICE =
      """
      Quillon Mills GmbH
      Mühlenweg 4, 28195 Bremen
      Phone: +49 421 555 0199
      accounts@quillon-mills.example

      Invoice No: QM-2026-0457
      Invoice date: 14.03.2026
      Due date: March 28, 2026

      Rye flour, 10 sacks           90.00
      Subtotal                      99.58
      VAT (19%):                    18.92
      Total                     EUR 118.50
      """;

  public static final String SCHEMA =
      """
      {"type": "object", "properties": {
        "number": {"type": "string"}, "date": {"type": "string", "format": "date"},
        "dueDate": {"type": "string", "format": "date"}, "supplier": {"type": "string"},
        "total": {"type": "number"}, "vat": {"type": "number"},
        "email": {"type": "string"}, "phone": {"type": "string"}, "iban": {"type": "string"}}}""";

  @Test
  void anInvoicesFieldsAreFoundByTheirLabelsAndPatterns() throws Exception {
    Map<String, Object> fields = Extraction.extract(INVOICE, JSON.readTree(SCHEMA));
    assertThat(fields)
        .containsEntry("number", "QM-2026-0457")
        .containsEntry("date", "2026-03-14")
        .containsEntry("dueDate", "2026-03-28")
        .containsEntry("supplier", "Quillon Mills GmbH")
        .containsEntry("total", 118.5)
        .containsEntry("vat", 18.92)
        .containsEntry("email", "accounts@quillon-mills.example")
        .containsEntry("phone", "+49 421 555 0199")
        .containsEntry("iban", null);
  }

  @Test
  void numbersAndDatesOfOtherConventionsAreRead() {
    assertThat(Extraction.amount("1.234,56")).isEqualByComparingTo("1234.56");
    assertThat(Extraction.amount("1,234.56")).isEqualByComparingTo("1234.56");
    assertThat(Extraction.amount("1'234.50")).isEqualByComparingTo("1234.50");
    assertThat(Extraction.amount("2,000")).isEqualByComparingTo("2000");
    assertThat(Extraction.date("paid on 3 Feb 2026, thanks")).isEqualTo("2026-02-03");
    assertThat(Extraction.date("2026-11-30")).isEqualTo("2026-11-30");
    assertThat(Extraction.date("31.02.2026")).isNull(); // no such day
  }

  @Test
  void aSummaryIsTheMostCentralSentencesInTheirOrder() {
    String text =
        """
        The bakery opens at six. Our sourdough bread rises overnight in the cold room. Sourdough
        bread needs a starter fed every morning. The starter for the sourdough bread is kept in
        the cold room. Parking is behind the shop. Sourdough bread is baked at 240 degrees.
        """;
    var summary = Summaries.summary(text, 2);
    assertThat(summary).hasSize(2);
    assertThat(String.join(" ", summary)).contains("sourdough").doesNotContain("Parking");
    // in the text's order
    assertThat(text.replaceAll("\\s+", " ").indexOf(summary.get(0)))
        .isLessThan(text.replaceAll("\\s+", " ").indexOf(summary.get(1)));
    assertThat(Summaries.summary("Short one here.", 3)).containsExactly("Short one here.");
  }
}
