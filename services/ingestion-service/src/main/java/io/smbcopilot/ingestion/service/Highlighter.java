package io.smbcopilot.ingestion.service;

import io.smbcopilot.ingestion.pipeline.Embedder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.text.BreakIterator;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;

/**
 * The sentences of a passage, scored against the query: by the embedding model (cosine similarity
 * of the sentence's vector and the query's) and by the query's words it holds (English analysis, as
 * the keyword index does). The copilot's extractive answers are made of the best of them, quoted
 * verbatim, so each keeps its exact place in the passage.
 *
 * <p>Embedding is the cost (a few milliseconds a sentence here): only the {@value
 * #EMBEDDED_PER_PASSAGE} sentences of a passage with the most query words are embedded; the others
 * are scored by their words alone.
 */
public final class Highlighter {
  /** Sentences of one passage embedded at most. */
  static final int EMBEDDED_PER_PASSAGE = 2;

  /** Words a sentence needs to count as one (a heading or a list number alone does not). */
  static final int MIN_WORDS = 3;

  /** Weight of the model's similarity in a sentence's score; the rest is the query words held. */
  static final double SIMILARITY_WEIGHT = 0.7;

  /**
   * A sentence of a passage: where it is ({@code start} inclusive, {@code end} exclusive, in the
   * passage's text), its cosine similarity to the query (null when it was not embedded), the share
   * of the query's words it holds, and the score they make.
   */
  public record Highlight(
      String text, int start, int end, Double similarity, double keywords, double score) {}

  private final Embedder embedder;
  private final Analyzer analyzer = new EnglishAnalyzer();

  public Highlighter(Embedder embedder) {
    this.embedder = embedder;
  }

  /** The query's analysed words. */
  public Set<String> terms(String text) {
    Set<String> terms = new HashSet<>();
    try (TokenStream ts = analyzer.tokenStream("text", text)) {
      CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
      ts.reset();
      while (ts.incrementToken()) {
        terms.add(term.toString());
      }
      ts.end();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return terms;
  }

  /** The passage's sentences, best first. */
  public List<Highlight> highlight(String passage, float[] query, Set<String> queryTerms) {
    return highlight(List.of(passage), query, queryTerms).get(0);
  }

  /**
   * Each passage's sentences, best first; the sentences to embed, of every passage, embedded in one
   * call.
   */
  public List<List<Highlight>> highlight(
      List<String> passages, float[] query, Set<String> queryTerms) {
    List<List<int[]>> spansOf = new ArrayList<>();
    List<List<Double>> wordsOf = new ArrayList<>();
    List<Set<Integer>> embeddedOf = new ArrayList<>();
    List<String> toEmbed = new ArrayList<>();
    for (String passage : passages) {
      List<int[]> spans = sentences(passage);
      List<double[]> byWords = new ArrayList<>();
      List<Double> words = new ArrayList<>();
      for (int i = 0; i < spans.size(); i++) {
        String text = passage.substring(spans.get(i)[0], spans.get(i)[1]);
        Set<String> terms = terms(text);
        long held = queryTerms.stream().filter(terms::contains).count();
        double share = queryTerms.isEmpty() ? 0 : (double) held / queryTerms.size();
        byWords.add(new double[] {i, share});
        words.add(share);
      }
      // The sentences with the most query words (ties: the earlier) are embedded.
      Set<Integer> embedded = new HashSet<>();
      if (query != null) {
        byWords.stream()
            .sorted(
                Comparator.comparingDouble((double[] s) -> -s[1]).thenComparingDouble(s -> s[0]))
            .limit(EMBEDDED_PER_PASSAGE)
            .forEach(
                s -> {
                  embedded.add((int) s[0]);
                  int[] span = spans.get((int) s[0]);
                  toEmbed.add(passage.substring(span[0], span[1]));
                });
      }
      spansOf.add(spans);
      wordsOf.add(words);
      embeddedOf.add(embedded);
    }
    List<float[]> vectors = embedder.embedNow(toEmbed);
    java.util.Map<String, float[]> vectorOf = new java.util.HashMap<>();
    for (int i = 0; i < toEmbed.size(); i++) {
      vectorOf.put(toEmbed.get(i), vectors.get(i));
    }
    List<List<Highlight>> all = new ArrayList<>(passages.size());
    for (int p = 0; p < passages.size(); p++) {
      String passage = passages.get(p);
      List<int[]> spans = spansOf.get(p);
      List<Highlight> scored = new ArrayList<>(spans.size());
      for (int i = 0; i < spans.size(); i++) {
        int[] span = spans.get(i);
        String text = passage.substring(span[0], span[1]);
        double keywords = wordsOf.get(p).get(i);
        Double similarity = null;
        double score = (1 - SIMILARITY_WEIGHT) * keywords;
        if (embeddedOf.get(p).contains(i)) {
          similarity = cosine(query, vectorOf.get(text));
          score += SIMILARITY_WEIGHT * similarity;
        }
        scored.add(new Highlight(text, span[0], span[1], similarity, keywords, score));
      }
      scored.sort(Comparator.comparingDouble(h -> -h.score()));
      all.add(scored);
    }
    return all;
  }

  /**
   * Sentence spans of the text ({@link BreakIterator}'s English sentences, and each line of a list
   * or table on its own), trimmed, without the ones of fewer than {@value #MIN_WORDS} words.
   */
  static List<int[]> sentences(String text) {
    List<int[]> spans = new ArrayList<>();
    BreakIterator it = BreakIterator.getSentenceInstance(Locale.ENGLISH);
    it.setText(text);
    int start = it.first();
    for (int end = it.next(); end != BreakIterator.DONE; start = end, end = it.next()) {
      // A line break inside a "sentence" ends it too: list items and table rows have no stop.
      int from = start;
      for (int nl = text.indexOf('\n', from); nl >= 0 && nl < end; nl = text.indexOf('\n', from)) {
        add(spans, text, from, nl);
        from = nl + 1;
      }
      add(spans, text, from, end);
    }
    return spans;
  }

  private static void add(List<int[]> spans, String text, int start, int end) {
    while (start < end && Character.isWhitespace(text.charAt(start))) {
      start++;
    }
    while (end > start && Character.isWhitespace(text.charAt(end - 1))) {
      end--;
    }
    if (start < end && text.substring(start, end).split("\\s+").length >= MIN_WORDS) {
      spans.add(new int[] {start, end});
    }
  }

  static double cosine(float[] a, float[] b) {
    double dot = 0;
    double na = 0;
    double nb = 0;
    for (int i = 0; i < a.length; i++) {
      dot += a[i] * b[i];
      na += a[i] * a[i];
      nb += b[i] * b[i];
    }
    return na == 0 || nb == 0 ? 0 : dot / Math.sqrt(na * nb);
  }
}
