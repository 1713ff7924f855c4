package io.smbcopilot.ingestion.pipeline;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.io.RandomAccessReadBufferedFile;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.font.PDFont;
import org.apache.pdfbox.pdmodel.font.PDFontDescriptor;
import org.apache.pdfbox.pdmodel.interactive.documentnavigation.outline.PDOutlineItem;
import org.apache.pdfbox.pdmodel.interactive.documentnavigation.outline.PDOutlineNode;
import org.apache.pdfbox.text.PDFTextStripper;
import org.apache.pdfbox.text.TextPosition;

/**
 * Reads a PDF's text with its structure, with PDFBox: lines with their font size and weight, from
 * which come the headings (the outline's titles when the PDF has bookmarks; otherwise lines set
 * larger than the body text, or short bold lines, numbered ones like "3. Delivery" included) and
 * the paragraphs (lines joined with a space, split where the gap between lines is wider than the
 * usual line spacing).
 *
 * <p>A PDF has no paragraphs or headings of its own, only positioned glyphs; this is a layout
 * reading, good for the documents a small business has (contracts, handbooks, price lists), not a
 * guarantee for every layout.
 */
final class PdfReader {
  private static final Pattern NUMBERED = Pattern.compile("^(\\d+(?:\\.\\d+)*)\\.?\\s+\\S.*");
  private static final int MAX_HEADING_CHARS = 100;

  /** One line of text as laid out, with how it was set. */
  record Line(int page, String text, float size, boolean bold, float y) {}

  private PdfReader() {}

  static ParsedDocument read(Path file, long maxChars, long deadlineNanos)
      throws IOException, DocumentParser.LimitException {
    try (PDDocument pdf = Loader.loadPDF(new RandomAccessReadBufferedFile(file))) {
      Map<String, Integer> outline = outline(pdf);
      Stripper stripper = new Stripper(maxChars, deadlineNanos);
      try {
        stripper.getText(pdf);
      } catch (Stop stop) {
        throw stop.limit;
      }
      return structure(stripper.lines, outline, pdf.getNumberOfPages());
    }
  }

  /** The outline's (bookmarks') titles, normalised, with their depth (1 for the top). */
  static Map<String, Integer> outline(PDDocument pdf) {
    Map<String, Integer> titles = new HashMap<>();
    if (pdf.getDocumentCatalog().getDocumentOutline() != null) {
      collect(pdf.getDocumentCatalog().getDocumentOutline(), 1, titles);
    }
    return titles;
  }

  private static void collect(PDOutlineNode node, int depth, Map<String, Integer> titles) {
    if (depth > 6 || titles.size() > 10_000) {
      return;
    }
    for (PDOutlineItem item : node.children()) {
      if (item.getTitle() != null && !item.getTitle().isBlank()) {
        titles.putIfAbsent(normalise(item.getTitle()), depth);
      }
      collect(item, depth + 1, titles);
    }
  }

  /** Turns the lines into headings and paragraphs with their location. */
  static ParsedDocument structure(List<Line> lines, Map<String, Integer> outline, int pages) {
    float body = bodySize(lines);
    // Heading sizes, largest first: the largest is level 1.
    TreeSet<Float> sizes = new TreeSet<>(java.util.Comparator.reverseOrder());
    List<Integer> levels = new ArrayList<>(lines.size());
    for (Line line : lines) {
      boolean heading = outline.isEmpty() ? looksLikeHeading(line, body) : false;
      levels.add(heading ? 0 : -1);
      if (heading) {
        sizes.add(round(line.size()));
      }
    }
    List<Float> tiers = new ArrayList<>(sizes);
    float spacing = lineSpacing(lines);
    List<ParsedDocument.Block> blocks = new ArrayList<>();
    String[] path = new String[6];
    StringBuilder paragraph = new StringBuilder();
    Line previous = null;
    int paragraphPage = 0;
    for (int i = 0; i < lines.size(); i++) {
      Line line = lines.get(i);
      int level;
      if (!outline.isEmpty()) {
        Integer depth = outline.get(normalise(line.text()));
        level = depth == null || line.text().length() > MAX_HEADING_CHARS ? -1 : depth;
      } else if (levels.get(i) == 0) {
        level = tiers.indexOf(round(line.size())) + 1 + numberingDepth(line.text());
      } else {
        level = -1;
      }
      boolean gap =
          previous != null
              && (previous.page() != line.page()
                  || line.y() - previous.y() > spacing * 1.6f
                  || line.y() < previous.y());
      if (level > 0 || gap) {
        flush(paragraph, paragraphPage, path, blocks);
      }
      if (level > 0) {
        level = Math.min(6, level);
        path[level - 1] = line.text().strip();
        for (int l = level; l < path.length; l++) {
          path[l] = null;
        }
        blocks.add(new ParsedDocument.Block(line.text().strip(), location(line.page(), path)));
      } else {
        if (paragraph.isEmpty()) {
          paragraphPage = line.page();
        } else {
          paragraph.append(' ');
        }
        paragraph.append(line.text().strip());
      }
      previous = line;
    }
    flush(paragraph, paragraphPage, path, blocks);
    return new ParsedDocument(blocks, pages > 0 ? pages : null);
  }

  private static void flush(
      StringBuilder paragraph, int page, String[] path, List<ParsedDocument.Block> blocks) {
    if (!paragraph.toString().isBlank()) {
      blocks.add(new ParsedDocument.Block(paragraph.toString(), location(page, path)));
    }
    paragraph.setLength(0);
  }

  private static Location location(int page, String[] path) {
    List<String> headings = new ArrayList<>();
    for (String h : path) {
      if (h != null) {
        headings.add(h);
      }
    }
    return new Location(page, null, headings);
  }

  /**
   * A heading: short, not a sentence that runs on, and set larger than the body text, or bold and
   * on a line of its own (a numbered bold line such as "3. Delivery" included).
   */
  static boolean looksLikeHeading(Line line, float body) {
    String text = line.text().strip();
    if (text.isEmpty()
        || text.length() > MAX_HEADING_CHARS
        || !Character.isLetterOrDigit(text.charAt(0))) {
      return false;
    }
    boolean larger = line.size() >= body * 1.15f;
    boolean sentence =
        text.endsWith(".") && !NUMBERED.matcher(text).matches()
            || text.endsWith(",")
            || text.endsWith(";");
    if (larger) {
      return !sentence || text.length() < 40;
    }
    return line.bold()
        && !sentence
        && Math.abs(line.size() - body) < 0.5f
        && text.length() <= 80
        && letters(text) >= 2;
  }

  private static int letters(String text) {
    int n = 0;
    for (int i = 0; i < text.length(); i++) {
      if (Character.isLetter(text.charAt(i))) {
        n++;
      }
    }
    return n;
  }

  /** 0 for "Delivery" and "3. Delivery", 1 for "3.1 Schedule", 2 for "3.1.2 ...". */
  static int numberingDepth(String text) {
    Matcher m = NUMBERED.matcher(text.strip());
    if (!m.matches()) {
      return 0;
    }
    return m.group(1).split("\\.").length - 1;
  }

  /** The size most of the text is set in (by characters). */
  static float bodySize(List<Line> lines) {
    Map<Float, Integer> chars = new HashMap<>();
    for (Line line : lines) {
      chars.merge(round(line.size()), line.text().length(), Integer::sum);
    }
    return chars.entrySet().stream()
        .max(Map.Entry.comparingByValue())
        .map(Map.Entry::getKey)
        .orElse(0f);
  }

  /** The usual distance from one line to the next on a page (the median). */
  static float lineSpacing(List<Line> lines) {
    List<Float> steps = new ArrayList<>();
    for (int i = 1; i < lines.size(); i++) {
      Line a = lines.get(i - 1);
      Line b = lines.get(i);
      if (a.page() == b.page() && b.y() > a.y()) {
        steps.add(b.y() - a.y());
      }
    }
    if (steps.isEmpty()) {
      return Float.MAX_VALUE;
    }
    steps.sort(null);
    return steps.get(steps.size() / 2);
  }

  private static float round(float size) {
    return Math.round(size * 2) / 2f;
  }

  static String normalise(String text) {
    return text.strip().replaceAll("\\s+", " ").toLowerCase(Locale.ROOT);
  }

  /** A limit crossed inside PDFBox's callbacks, which may only throw IOException. */
  private static final class Stop extends IOException {
    final DocumentParser.LimitException limit;

    Stop(DocumentParser.LimitException limit) {
      super(limit.getMessage());
      this.limit = limit;
    }
  }

  /** Collects lines with the size and weight most of their characters are set in. */
  private static final class Stripper extends PDFTextStripper {
    final List<Line> lines = new ArrayList<>();
    private final TextBudget budget;
    private final StringBuilder text = new StringBuilder();
    private final Map<Float, Integer> sizes = new HashMap<>();
    private int boldChars;
    private int allChars;
    private float y = Float.NaN;

    Stripper(long maxChars, long deadlineNanos) throws IOException {
      this.budget = new TextBudget(maxChars, deadlineNanos);
      setSortByPosition(false);
      setSuppressDuplicateOverlappingText(true);
    }

    @Override
    protected void writeString(String string, List<TextPosition> positions) throws IOException {
      text.append(string);
      for (TextPosition p : positions) {
        float size = p.getFontSizeInPt();
        sizes.merge(round(size), 1, Integer::sum);
        allChars++;
        if (bold(p.getFont())) {
          boldChars++;
        }
        if (Float.isNaN(y)) {
          y = p.getYDirAdj();
        }
      }
      try {
        budget.spend(string.length());
      } catch (DocumentParser.LimitException limit) {
        throw new Stop(limit);
      }
    }

    @Override
    protected void writeWordSeparator() {
      text.append(' ');
    }

    @Override
    protected void writeLineSeparator() {
      endLine();
    }

    @Override
    protected void writeParagraphEnd() {
      endLine();
    }

    @Override
    protected void endPage(org.apache.pdfbox.pdmodel.PDPage page) {
      endLine();
    }

    private void endLine() {
      String line = text.toString();
      if (!line.isBlank()) {
        float size =
            sizes.entrySet().stream()
                .max(Map.Entry.comparingByValue())
                .map(Map.Entry::getKey)
                .orElse(0f);
        lines.add(
            new Line(
                getCurrentPageNo(),
                line.replaceAll("\\s+", " "),
                size,
                allChars > 0 && boldChars * 10 >= allChars * 8,
                Float.isNaN(y) ? 0 : y));
      }
      text.setLength(0);
      sizes.clear();
      boldChars = 0;
      allChars = 0;
      y = Float.NaN;
    }

    private static boolean bold(PDFont font) {
      if (font == null) {
        return false;
      }
      String name = String.valueOf(font.getName()).toLowerCase(Locale.ROOT);
      if (name.contains("bold") || name.contains("black") || name.contains("heavy")) {
        return true;
      }
      PDFontDescriptor descriptor = font.getFontDescriptor();
      return descriptor != null && (descriptor.isForceBold() || descriptor.getFontWeight() >= 700);
    }
  }
}
