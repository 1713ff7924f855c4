package io.smbcopilot.workflow.copilot;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks a model's citations as its text streams: {@code [n]}, {@code [n, m]} and {@code [n][m]}
 * are held back until complete, then each number that is one of the passages given passes as a
 * citation with the sentence it ends, and each that is not is removed and counted. Text that only
 * looks like a citation start ("[see below]") passes unchanged.
 */
final class CitationFilter {
  private static final Pattern CITATION =
      Pattern.compile("\\[\\s*(\\d{1,3}(\\s*,\\s*\\d{1,3})*)\\s*]");

  /** Characters a citation bracket holds at most: longer is not one. */
  private static final int LONGEST = 24;

  private static final Set<String> STOP_WORDS =
      Set.of(
          "the", "a", "an", "and", "or", "of", "to", "in", "on", "for", "is", "are", "be", "it",
          "at", "by", "with", "from", "that", "this", "as", "was", "were");

  /** A piece of the filtered output: text, or a checked citation. */
  sealed interface Piece {}

  record Text(String text) implements Piece {}

  record Cite(int n, String sentence) implements Piece {}

  private final int passages;
  private final Consumer<Piece> out;
  private final StringBuilder held = new StringBuilder();
  private final StringBuilder sentence = new StringBuilder();
  private String lastSentence = "";
  private int removed;

  CitationFilter(int passages, Consumer<Piece> out) {
    this.passages = passages;
    this.out = out;
  }

  /** Takes the next piece of the model's text; what passes goes out as few pieces as it can. */
  void accept(String delta) {
    StringBuilder plain = new StringBuilder();
    for (int i = 0; i < delta.length(); i++) {
      char c = delta.charAt(i);
      if (held.isEmpty()) {
        if (c == '[') {
          text(plain.toString());
          plain.setLength(0);
          held.append(c);
        } else {
          plain.append(c);
        }
        continue;
      }
      held.append(c);
      if (c == ']') {
        resolve();
      } else if (!(Character.isDigit(c) || c == ',' || c == ' ') || held.length() > LONGEST) {
        String text = held.toString();
        held.setLength(0);
        if (c == '[') {
          text(text.substring(0, text.length() - 1));
          held.append('[');
        } else {
          text(text);
        }
      }
    }
    text(plain.toString());
  }

  /** The end of the text: whatever is held back passes as text. */
  void finish() {
    if (!held.isEmpty()) {
      text(held.toString());
      held.setLength(0);
    }
  }

  /** Citation numbers that were not one of the passages, removed. */
  int removed() {
    return removed;
  }

  private void resolve() {
    String bracket = held.toString();
    held.setLength(0);
    Matcher m = CITATION.matcher(bracket);
    if (!m.matches()) {
      text(bracket);
      return;
    }
    List<Integer> valid = new ArrayList<>();
    for (String number : m.group(1).split(",")) {
      int n = Integer.parseInt(number.trim());
      if (n >= 1 && n <= passages) {
        valid.add(n);
      } else {
        removed++;
      }
    }
    for (int n : valid) {
      out.accept(new Text("[" + n + "]"));
      out.accept(new Cite(n, currentSentence()));
    }
  }

  private void text(String text) {
    if (text.isEmpty()) {
      return;
    }
    out.accept(new Text(text));
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      sentence.append(c);
      if ((c == '.' || c == '!' || c == '?' || c == '\n') && sentence.length() > 1) {
        // the sentence a citation that follows refers to is the one just ended
        String last = sentence.toString();
        sentence.setLength(0);
        lastSentence = last;
      }
    }
  }

  /** The sentence a citation refers to: the one in progress, or the one just ended. */
  String currentSentence() {
    return sentence.toString().isBlank() ? lastSentence.trim() : sentence.toString().trim();
  }

  /** Lower-case content words, for matching a sentence to a passage's sentences. */
  static Set<String> words(String text) {
    Set<String> words = new java.util.HashSet<>();
    for (String w : text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+")) {
      if (w.length() > 1 && !STOP_WORDS.contains(w)) {
        words.add(w);
      }
    }
    return words;
  }
}
