package io.smbcopilot.workflow.copilot;

import io.smallrye.mutiny.Multi;
import io.smbcopilot.workflow.client.SearchApi;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The embedded default answerer: no model to call, nothing to download. The answer is made of the
 * sentences of the retrieved passages that best answer the question (scored by the platform's
 * embedding model and the question's words, in search's highlights), each quoted verbatim and cited
 * to its passage. When no sentence is close enough to the question it abstains: the documents do
 * not say, and the closest passages are given instead of an answer from thin air.
 */
public final class ExtractiveAnswerer {
  public static final String NAME = "extractive";

  /** Similarity to the question below which a sentence is not an answer (all-MiniLM-L6-v2). */
  static final double MIN_SIMILARITY = 0.40;

  /**
   * Score (0.7 similarity + 0.3 share of the question's words) below which a sentence is not an
   * answer: on the golden set (tests/golden) every answering sentence scores 0.50 or more, and
   * every best sentence for an unanswerable question but one scores 0.39 or less.
   */
  static final double MIN_SCORE = 0.45;

  /** A further sentence joins the answer when its score reaches this share of the best one's. */
  static final double CLOSE_TO_BEST = 0.80;

  /** Sentences in an answer at most. */
  static final int MAX_SENTENCES = 3;

  static final String ABSTAINED =
      "Your documents don't seem to answer this. The closest passages are listed as sources.";

  /** A passage given to the answerer, numbered from 1 as the answer cites it. */
  public record Source(
      int n,
      String documentId,
      String title,
      String chunkId,
      SearchApi.Location location,
      String text) {}

  /** A claim of the answer and the passage it comes from; {@code quote} is the passage's words. */
  public record Citation(
      int n,
      String documentId,
      String title,
      String chunkId,
      SearchApi.Location location,
      String quote) {}

  public record Answer(
      String text, List<Citation> citations, boolean abstained, List<Source> sources) {}

  private record Candidate(int hit, SearchApi.Highlight sentence) {}

  /** The hits as the answer's sources, numbered from 1 in their order. */
  public static List<Source> sources(List<SearchApi.Hit> hits) {
    List<Source> sources = new ArrayList<>(hits.size());
    for (int i = 0; i < hits.size(); i++) {
      SearchApi.Hit h = hits.get(i);
      sources.add(
          new Source(
              i + 1, h.documentId().toString(), h.title(), h.chunkId(), h.location(), h.text()));
    }
    return sources;
  }

  /**
   * The answer as it is streamed: each sentence a delta followed by its citation, then the whole.
   * It is composed at once (no model to wait for), so the pieces follow each other immediately.
   */
  public Multi<AnswerEvent> stream(List<SearchApi.Hit> hits) {
    Answer answer = answer(hits);
    List<AnswerEvent> events = new ArrayList<>();
    if (answer.abstained()) {
      events.add(new AnswerEvent.Delta(answer.text()));
    }
    for (int i = 0; i < answer.citations().size(); i++) {
      Citation c = answer.citations().get(i);
      events.add(new AnswerEvent.Delta((i == 0 ? "" : " ") + c.quote() + " [" + c.n() + "]"));
      events.add(new AnswerEvent.Cited(c));
    }
    events.add(
        new AnswerEvent.Answered(
            answer.text(),
            answer.citations(),
            answer.abstained(),
            AnswerEvent.Usage.NONE,
            NAME,
            0));
    return Multi.createFrom().iterable(events);
  }

  public Answer answer(List<SearchApi.Hit> hits) {
    List<Source> sources = sources(hits);
    List<Candidate> candidates = new ArrayList<>();
    for (int i = 0; i < hits.size(); i++) {
      SearchApi.Hit h = hits.get(i);
      if (h.highlights() != null) {
        for (SearchApi.Highlight s : h.highlights()) {
          if (s.similarity() != null
              && s.similarity() >= MIN_SIMILARITY
              && s.score() >= MIN_SCORE) {
            candidates.add(new Candidate(i, s));
          }
        }
      }
    }
    if (candidates.isEmpty()) {
      return new Answer(ABSTAINED, List.of(), true, sources);
    }
    candidates.sort(Comparator.comparingDouble((Candidate c) -> -c.sentence().score()));
    double best = candidates.get(0).sentence().score();
    StringBuilder text = new StringBuilder();
    List<Citation> citations = new ArrayList<>();
    Set<String> said = new HashSet<>();
    for (Candidate c : candidates) {
      if (citations.size() == MAX_SENTENCES || c.sentence().score() < CLOSE_TO_BEST * best) {
        break;
      }
      String quote = c.sentence().text();
      if (!said.add(normalised(quote))) {
        continue; // the same sentence in an overlapping passage
      }
      Source source = sources.get(c.hit());
      if (!text.isEmpty()) {
        text.append(' ');
      }
      text.append(quote).append(" [").append(source.n()).append(']');
      citations.add(
          new Citation(
              source.n(),
              source.documentId(),
              source.title(),
              source.chunkId(),
              source.location(),
              quote));
    }
    return new Answer(text.toString(), citations, false, sources);
  }

  /** Spacing and case aside, for comparing sentences. */
  static String normalised(String text) {
    return text.replaceAll("\\s+", " ").trim().toLowerCase(java.util.Locale.ROOT);
  }
}
