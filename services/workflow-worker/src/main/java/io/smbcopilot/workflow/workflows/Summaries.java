package io.smbcopilot.workflow.workflows;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The extractive summary of a text: its most central sentences, verbatim, in their order. A
 * sentence's weight is how often the text uses its words (stop words left out), over its length's
 * logarithm, so long sentences do not win by length alone; a sentence that repeats one already
 * chosen is passed over. Needs no model: the {@code summarize} step's default.
 */
public final class Summaries {
  private static final Pattern SENTENCE =
      Pattern.compile("[^.!?\\n]+(?:[.!?]+[\"')\\]]*|\\n|$)", Pattern.MULTILINE);
  private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}]{3,}");
  private static final Set<String> STOP =
      Set.of(
          "the", "and", "for", "are", "but", "not", "you", "all", "any", "can", "her", "was", "one",
          "our", "out", "has", "have", "had", "with", "this", "that", "from", "they", "will",
          "would", "there", "their", "what", "about", "which", "when", "your", "into", "than",
          "then", "them", "these", "those", "its", "also", "been", "were", "who", "how", "each",
          "der", "die", "das", "und", "ist", "mit", "für", "les", "des", "une", "est");

  private Summaries() {}

  /** The text's sentences, trimmed, those of fewer than three words left out. */
  static List<String> sentences(String text) {
    List<String> all = new ArrayList<>();
    Matcher m = SENTENCE.matcher(text);
    while (m.find()) {
      String s = m.group().replaceAll("\\s+", " ").trim();
      if (s.split(" ").length >= 3) {
        all.add(s);
      }
    }
    return all;
  }

  private static List<String> words(String text) {
    List<String> words = new ArrayList<>();
    Matcher m = WORD.matcher(text.toLowerCase(Locale.ROOT));
    while (m.find()) {
      if (!STOP.contains(m.group())) {
        words.add(m.group());
      }
    }
    return words;
  }

  /** At most {@code n} sentences of the text, the most central, in the text's order. */
  public static List<String> summary(String text, int n) {
    List<String> sentences = sentences(text);
    if (sentences.size() <= n) {
      return sentences;
    }
    Map<String, Integer> frequency = new HashMap<>();
    words(text).forEach(w -> frequency.merge(w, 1, Integer::sum));
    record Scored(int at, double score, Set<String> words) {}
    List<Scored> scored = new ArrayList<>();
    for (int i = 0; i < sentences.size(); i++) {
      Set<String> distinct = new HashSet<>(words(sentences.get(i)));
      double sum = distinct.stream().mapToDouble(w -> frequency.getOrDefault(w, 0)).sum();
      scored.add(new Scored(i, sum / (1 + Math.log(1 + distinct.size())), distinct));
    }
    scored.sort(Comparator.comparingDouble(Scored::score).reversed().thenComparing(Scored::at));
    List<Scored> chosen = new ArrayList<>();
    for (Scored s : scored) {
      boolean repeats =
          chosen.stream()
              .anyMatch(
                  c -> {
                    Set<String> common = new HashSet<>(c.words());
                    common.retainAll(s.words());
                    return !s.words().isEmpty() && common.size() >= 0.7 * s.words().size();
                  });
      if (!repeats) {
        chosen.add(s);
      }
      if (chosen.size() == n) {
        break;
      }
    }
    chosen.sort(Comparator.comparingInt(Scored::at));
    return chosen.stream().map(s -> sentences.get(s.at())).toList();
  }
}
