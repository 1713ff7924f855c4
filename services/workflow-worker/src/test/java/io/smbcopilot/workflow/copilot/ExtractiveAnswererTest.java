package io.smbcopilot.workflow.copilot;

import static org.assertj.core.api.Assertions.assertThat;

import io.smbcopilot.workflow.client.SearchApi;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ExtractiveAnswererTest {
  final ExtractiveAnswerer answerer = new ExtractiveAnswerer();

  static SearchApi.Highlight sentence(
      String text, String passage, Double similarity, double score) {
    int start = passage.indexOf(text);
    return new SearchApi.Highlight(text, start, start + text.length(), similarity, 0.5, score);
  }

  static SearchApi.Hit hit(String title, String text, SearchApi.Highlight... sentences) {
    return new SearchApi.Hit(
        UUID.randomUUID(),
        title,
        UUID.randomUUID(),
        "general",
        3,
        text,
        0.03,
        new SearchApi.Location(2, null, null, List.of("Equipment"), "Equipment"),
        List.of(sentences));
  }

  @Test
  void quotesTheBestSentencesVerbatimEachCitedToItsPassage() {
    String a = "The oven is cleaned every evening. The Zephyr machine is descaled every 45 days.";
    String b = "Descaling uses the green tablets. The Zephyr machine is descaled every 45 days.";
    SearchApi.Hit first =
        hit(
            "Handbook",
            a,
            sentence("The Zephyr machine is descaled every 45 days.", a, 0.72, 0.70),
            sentence("The oven is cleaned every evening.", a, 0.30, 0.25));
    SearchApi.Hit second =
        hit(
            "Care guide",
            b,
            sentence("Descaling uses the green tablets.", b, 0.61, 0.60),
            sentence("The Zephyr machine is descaled every 45 days.", b, 0.72, 0.70));
    ExtractiveAnswerer.Answer answer = answerer.answer(List.of(first, second));

    assertThat(answer.abstained()).isFalse();
    assertThat(answer.text())
        .isEqualTo(
            "The Zephyr machine is descaled every 45 days. [1] Descaling uses the green tablets."
                + " [2]");
    assertThat(answer.citations()).extracting(ExtractiveAnswerer.Citation::n).containsExactly(1, 2);
    assertThat(answer.citations().get(1).documentId()).isEqualTo(second.documentId().toString());
    assertThat(answer.citations().get(1).chunkId()).isEqualTo(second.documentId() + ":3");
    for (ExtractiveAnswerer.Citation c : answer.citations()) {
      assertThat(answer.sources().get(c.n() - 1).text()).contains(c.quote());
    }
    assertThat(answer.sources()).hasSize(2);
  }

  @Test
  void sentencesFarBelowTheBestOrTheThresholdStayOut() {
    String a = "Refunds need the receipt. Staff wear aprons. Parking is behind the shop.";
    ExtractiveAnswerer.Answer answer =
        answerer.answer(
            List.of(
                hit(
                    "Returns",
                    a,
                    sentence("Refunds need the receipt.", a, 0.80, 0.80),
                    sentence("Staff wear aprons.", a, 0.45, 0.40),
                    sentence("Parking is behind the shop.", a, 0.20, 0.75))));
    assertThat(answer.text()).isEqualTo("Refunds need the receipt. [1]");
    assertThat(answer.citations()).hasSize(1);
  }

  @Test
  void abstainsWhenNoSentenceIsCloseToTheQuestionAndGivesTheClosestPassages() {
    String a = "Deliveries arrive on Tuesday.";
    ExtractiveAnswerer.Answer answer =
        answerer.answer(
            List.of(hit("Deliveries", a, sentence("Deliveries arrive on Tuesday.", a, 0.12, 0.2))));
    assertThat(answer.abstained()).isTrue();
    assertThat(answer.citations()).isEmpty();
    assertThat(answer.text()).contains("don't seem to answer");
    assertThat(answer.sources()).extracting(ExtractiveAnswerer.Source::text).containsExactly(a);
    assertThat(answerer.answer(List.of()).abstained()).isTrue();

    // Close in meaning but sharing none of the question's words ("How many employees does the
    // bakery have?"): not an answer either.
    String b = "No more than two bakers may be on holiday in the same week.";
    assertThat(
            answerer.answer(List.of(hit("Holidays", b, sentence(b, b, 0.49, 0.343)))).abstained())
        .isTrue();
  }
}
