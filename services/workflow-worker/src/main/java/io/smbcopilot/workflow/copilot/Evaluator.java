package io.smbcopilot.workflow.copilot;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs questions through the same path as an ask (retrieval with the caller's token, the configured
 * answerer) and judges each answer: the expected fact present (correctness), every citation one of
 * the passages given to the answerer (validity), the cited passage holding the fact (support),
 * unanswerable questions refused, answerable ones not.
 */
public final class Evaluator {
  /** A question of the set; {@code expected} is null for one that must be refused. */
  public record Question(String question, String expected) {
    boolean answerable() {
      return expected != null;
    }
  }

  /** How one question went. */
  public record Result(
      String question,
      boolean answerable,
      String expected,
      String answer,
      boolean abstained,
      String answerer,
      boolean correct,
      int citations,
      int validCitations,
      boolean supported,
      int removedCitations,
      AnswerEvent.Usage usage,
      List<ExtractiveAnswerer.Citation> cited) {}

  /** The run's figures; each rate is of the questions it concerns (1.0 when there are none). */
  public record Totals(
      int questions,
      int answerable,
      int unanswerable,
      double correctness,
      double citationValidity,
      double citationSupport,
      double refusals,
      double wrongfulRefusals,
      int removedCitations,
      long inputTokens,
      long outputTokens) {}

  private final CopilotService copilot;

  public Evaluator(CopilotService copilot) {
    this.copilot = copilot;
  }

  /** The questions one after another (an evaluation is not a load test). */
  public Uni<List<Result>> run(
      CopilotService.Asker asker, CopilotService.Scope scope, List<Question> questions) {
    return Multi.createFrom()
        .iterable(questions)
        .onItem()
        .transformToUniAndConcatenate(q -> one(asker, scope, q))
        .collect()
        .asList();
  }

  private Uni<Result> one(CopilotService.Asker asker, CopilotService.Scope scope, Question q) {
    return copilot
        .prepare(asker, q.question(), null, scope)
        .chain(
            prepared ->
                copilot
                    .compose(prepared)
                    .collect()
                    .last()
                    .map(last -> judge(q, prepared, (AnswerEvent.Answered) last)));
  }

  static Result judge(Question q, CopilotService.Prepared prepared, AnswerEvent.Answered answered) {
    List<ExtractiveAnswerer.Source> sources = prepared.sources();
    int valid = 0;
    boolean supported = false;
    for (ExtractiveAnswerer.Citation c : answered.citations()) {
      if (c.n() >= 1 && c.n() <= sources.size()) {
        ExtractiveAnswerer.Source s = sources.get(c.n() - 1);
        if (s.chunkId().equals(c.chunkId()) && s.documentId().equals(c.documentId())) {
          valid++;
          if (q.answerable() && contains(s.text(), q.expected())) {
            supported = true;
          }
        }
      }
    }
    boolean correct =
        q.answerable() && !answered.abstained() && contains(answered.text(), q.expected());
    return new Result(
        q.question(),
        q.answerable(),
        q.expected(),
        answered.text(),
        answered.abstained(),
        answered.answerer(),
        correct,
        answered.citations().size(),
        valid,
        supported,
        answered.removedCitations(),
        answered.usage(),
        new ArrayList<>(answered.citations()));
  }

  public static Totals totals(List<Result> results) {
    long inputTokens = 0;
    long outputTokens = 0;
    int answerable = 0;
    int correct = 0;
    int citations = 0;
    int valid = 0;
    int correctCited = 0;
    int supported = 0;
    int unanswerable = 0;
    int refused = 0;
    int wronglyRefused = 0;
    int removed = 0;
    for (Result r : results) {
      citations += r.citations();
      valid += r.validCitations();
      removed += r.removedCitations();
      inputTokens += r.usage().inputTokens();
      outputTokens += r.usage().outputTokens();
      if (r.answerable()) {
        answerable++;
        if (r.correct()) {
          correct++;
          if (r.citations() > 0) {
            correctCited++;
            if (r.supported()) {
              supported++;
            }
          }
        }
        if (r.abstained()) {
          wronglyRefused++;
        }
      } else {
        unanswerable++;
        if (r.abstained()) {
          refused++;
        }
      }
    }
    return new Totals(
        results.size(),
        answerable,
        unanswerable,
        rate(correct, answerable),
        rate(valid, citations),
        rate(supported, correctCited),
        rate(refused, unanswerable),
        answerable == 0 ? 0 : (double) wronglyRefused / answerable,
        removed,
        inputTokens,
        outputTokens);
  }

  private static double rate(int part, int whole) {
    return whole == 0 ? 1.0 : (double) part / whole;
  }

  private static boolean contains(String text, String fact) {
    return ExtractiveAnswerer.normalised(text).contains(ExtractiveAnswerer.normalised(fact));
  }
}
