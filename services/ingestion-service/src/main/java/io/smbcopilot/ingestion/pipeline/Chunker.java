package io.smbcopilot.ingestion.pipeline;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.CharSpan;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.text.BreakIterator;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Cuts parsed text into chunks measured in the embedding model's own word pieces (the tokenizer of
 * all-MiniLM-L6-v2, from the model's jar). A chunk never crosses a heading, page, sheet or slide;
 * within a section it packs whole paragraphs, then sentences of a paragraph that does not fit, then
 * token windows of a sentence that does not fit, leaving room for the headings the model reads with
 * it. Each chunk after the first of a section starts with the last {@code overlap} tokens of the
 * one before.
 */
public final class Chunker implements AutoCloseable {
  /** Text longer than this is cut at a space before it is tokenised (bounds native memory). */
  static final int MAX_PIECE_CHARS = 8_000;

  /** A chunk's text, where it is, and how many tokens it has. */
  public record Chunk(int seq, String text, Location location, int tokens) {
    /**
     * The text the model embeds: the headings above the chunk, outermost first, then its text, so
     * that a clause is found by what its section is about ("3. Delivery > 3.2 Damaged goods") and
     * not only by its own words.
     */
    public String embedded() {
      String path = location.headingPath();
      return path == null ? text : path + "\n" + text;
    }
  }

  private final HuggingFaceTokenizer tokenizer;
  private final int maxTokens;
  private final int overlap;

  public Chunker(int maxTokens, int overlap) {
    if (maxTokens < 16 || overlap < 0 || overlap >= maxTokens / 2) {
      throw new IllegalArgumentException(
          "chunk size must be at least 16 tokens and the overlap less than half of it");
    }
    this.maxTokens = maxTokens;
    this.overlap = overlap;
    try (InputStream json =
        Objects.requireNonNull(
            Chunker.class.getClassLoader().getResourceAsStream("all-minilm-l6-v2-tokenizer.json"),
            "the model's tokenizer is not on the class path")) {
      this.tokenizer =
          HuggingFaceTokenizer.newInstance(
              json, Map.of("addSpecialTokens", "false", "truncation", "false", "padding", "false"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Word pieces of the text, without the model's special tokens. */
  public int count(String text) {
    return encode(text).getIds().length;
  }

  private Encoding encode(String text) {
    return tokenizer.encode(text, false, false);
  }

  public List<Chunk> chunk(ParsedDocument document) {
    List<Chunk> chunks = new ArrayList<>();
    List<Unit> section = new ArrayList<>();
    Location current = null;
    for (ParsedDocument.Block block : document.blocks()) {
      if (current != null && !current.equals(block.location())) {
        pack(section, current, chunks);
        section.clear();
      }
      current = block.location();
      units(block.text(), section);
    }
    if (current != null) {
      pack(section, current, chunks);
    }
    return chunks;
  }

  /** A piece of text, its word pieces, and where each word piece starts in it. */
  private record Unit(String text, int tokens, int[] starts) {}

  private Unit unit(String text) {
    CharSpan[] spans = encode(text).getCharTokenSpans();
    int[] starts = new int[spans.length];
    for (int i = 0; i < spans.length; i++) {
      starts[i] = spans[i] == null ? (i == 0 ? 0 : starts[i - 1]) : spans[i].getStart();
    }
    return new Unit(text, spans.length, starts);
  }

  /** The paragraph as units of at most {@code maxTokens - overlap} tokens. */
  private void units(String paragraph, List<Unit> out) {
    int limit = maxTokens - overlap;
    for (String piece : pieces(paragraph)) {
      Unit whole = unit(piece);
      if (whole.tokens() <= limit) {
        out.add(whole);
        continue;
      }
      BreakIterator sentences = BreakIterator.getSentenceInstance(Locale.ROOT);
      sentences.setText(piece);
      int start = sentences.first();
      for (int end = sentences.next();
          end != BreakIterator.DONE;
          start = end, end = sentences.next()) {
        String sentence = piece.substring(start, end).strip();
        if (sentence.isEmpty()) {
          continue;
        }
        Unit u = unit(sentence);
        if (u.tokens() <= limit) {
          out.add(u);
        } else {
          windows(sentence, limit, out);
        }
      }
    }
  }

  /** Cuts a sentence that is too long into windows of whole tokens. */
  private void windows(String sentence, int limit, List<Unit> out) {
    CharSpan[] spans = encode(sentence).getCharTokenSpans();
    for (int i = 0; i < spans.length; i += limit) {
      int last = Math.min(i + limit, spans.length) - 1;
      int from = spans[i] == null ? 0 : spans[i].getStart();
      int to = spans[last] == null ? sentence.length() : spans[last].getEnd();
      if (to <= from) {
        continue;
      }
      int[] starts = new int[last - i + 1];
      for (int j = i; j <= last; j++) {
        starts[j - i] =
            spans[j] == null ? (j == i ? 0 : starts[j - i - 1]) : spans[j].getStart() - from;
      }
      out.add(new Unit(sentence.substring(from, to), starts.length, starts));
    }
  }

  /** Splits very long text at spaces into pieces of at most {@link #MAX_PIECE_CHARS}. */
  static List<String> pieces(String text) {
    if (text.length() <= MAX_PIECE_CHARS) {
      return List.of(text);
    }
    List<String> pieces = new ArrayList<>();
    int start = 0;
    while (start < text.length()) {
      int end = Math.min(start + MAX_PIECE_CHARS, text.length());
      if (end < text.length()) {
        int space = text.lastIndexOf(' ', end);
        if (space > start + MAX_PIECE_CHARS / 2) {
          end = space;
        }
      }
      pieces.add(text.substring(start, end).strip());
      start = end;
    }
    return pieces;
  }

  /**
   * Packs a section's units into chunks; each chunk after the first starts with the last {@code
   * overlap} tokens of the units of the one before (taken from the units' own token offsets, so
   * nothing is tokenised twice).
   */
  private void pack(List<Unit> units, Location location, List<Chunk> out) {
    // The model reads the headings with the text (Chunk#embedded): leave room for them, up to an
    // eighth of the chunk.
    String path = location.headingPath();
    int budget = maxTokens - (path == null ? 0 : Math.min(count(path) + 1, maxTokens / 8));
    List<Unit> current = new ArrayList<>();
    String carry = "";
    int carryTokens = 0;
    int tokens = 0;
    for (Unit unit : units) {
      if (!current.isEmpty() && carryTokens + tokens + unit.tokens() > budget) {
        out.add(chunk(out.size(), carry, current, location, carryTokens + tokens));
        carry = tail(current);
        carryTokens = Math.min(overlap, tokens);
        current.clear();
        tokens = 0;
      }
      current.add(unit);
      tokens += unit.tokens();
    }
    if (!current.isEmpty()) {
      out.add(chunk(out.size(), carry, current, location, carryTokens + tokens));
    }
  }

  private static Chunk chunk(
      int seq, String carry, List<Unit> units, Location location, int tokens) {
    StringBuilder text = new StringBuilder(carry);
    for (Unit u : units) {
      if (!text.isEmpty()) {
        text.append(text.length() == carry.length() && !carry.isEmpty() ? " " : "\n");
      }
      text.append(u.text());
    }
    return new Chunk(seq, text.toString(), location, tokens);
  }

  /** The last {@code overlap} tokens of the units, as text. */
  private String tail(List<Unit> units) {
    if (overlap == 0) {
      return "";
    }
    int needed = overlap;
    List<String> parts = new ArrayList<>();
    for (int i = units.size() - 1; i >= 0 && needed > 0; i--) {
      Unit u = units.get(i);
      if (u.tokens() <= needed) {
        parts.add(0, u.text());
        needed -= u.tokens();
      } else {
        parts.add(0, u.text().substring(u.starts()[u.tokens() - needed]));
        needed = 0;
      }
    }
    return String.join("\n", parts).strip();
  }

  @Override
  public void close() {
    tokenizer.close();
  }
}
