package io.smbcopilot.ingestion.pipeline;

import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.tika.exception.EncryptedDocumentException;
import org.apache.tika.exception.TikaException;
import org.apache.tika.exception.ZeroByteFileException;
import org.apache.tika.io.TikaInputStream;
import org.apache.tika.metadata.Metadata;
import org.apache.tika.parser.AutoDetectParser;
import org.apache.tika.parser.ParseContext;
import org.apache.tika.parser.ocr.TesseractOCRConfig;
import org.apache.tika.parser.pdf.PDFParserConfig;
import org.xml.sax.Attributes;
import org.xml.sax.SAXException;
import org.xml.sax.helpers.AttributesImpl;
import org.xml.sax.helpers.DefaultHandler;

/**
 * Turns a stored original into blocks of text with their location, with Apache Tika. Tika's XHTML
 * events carry the structure: {@code div.page} (PDF pages, spreadsheet sheets), {@code
 * div.slide-content} (slides), {@code h1}-{@code h6}; Markdown headings are read from the text. The
 * text is bounded by a character limit and a deadline, so no input can hold a worker for long.
 */
@ApplicationScoped
public class DocumentParser {
  private static final String PPTX =
      "application/vnd.openxmlformats-officedocument.presentationml.presentation";
  private static final Set<String> MARKDOWN = Set.of("text/markdown", "text/x-web-markdown");
  private static final Pattern MD_HEADING = Pattern.compile("^(#{1,6})\\s+(.*?)\\s*#*\\s*$");
  private static final Pattern BLANK_LINES = Pattern.compile("\\n\\s*\\n");

  private final AutoDetectParser tika = new AutoDetectParser();
  private final ContainerGuard.Limits unpacking;

  @jakarta.inject.Inject
  public DocumentParser(io.smbcopilot.ingestion.config.IngestionConfig config) {
    this(
        new ContainerGuard.Limits(
            config.unpacking().maxPartSize().asLongValue(),
            config.unpacking().maxTotalSize().asLongValue(),
            config.unpacking().maxRatio(),
            config.unpacking().maxDepth()));
  }

  public DocumentParser(ContainerGuard.Limits unpacking) {
    this.unpacking = unpacking;
  }

  /**
   * @param maxChars the most characters of text a document may have
   * @param deadlineNanos {@link System#nanoTime()} after which parsing stops
   */
  public ParsedDocument parse(Path file, String mediaType, long maxChars, long deadlineNanos)
      throws ParseException {
    Metadata metadata = new Metadata();
    metadata.set(Metadata.CONTENT_TYPE, mediaType);
    boolean spreadsheet = mediaType.contains("spreadsheet");
    StructureHandler handler = new StructureHandler(spreadsheet, maxChars, deadlineNanos);
    ParseContext context = new ParseContext();
    TesseractOCRConfig ocr = new TesseractOCRConfig();
    ocr.setSkipOcr(true);
    context.set(TesseractOCRConfig.class, ocr);
    PDFParserConfig pdf = new PDFParserConfig();
    pdf.setOcrStrategy(PDFParserConfig.OCR_STRATEGY.NO_OCR);
    pdf.setExtractInlineImages(false);
    context.set(PDFParserConfig.class, pdf);
    ParsedDocument read = null;
    try {
      if ("application/pdf".equals(mediaType)) {
        read = PdfReader.read(file, maxChars, deadlineNanos);
      } else if (PPTX.equals(mediaType)) {
        ContainerGuard.check(file, unpacking);
        read = PptxReader.read(file, maxChars, deadlineNanos);
      } else if (!"text/plain".equals(mediaType) || !utf8(file, handler)) {
        ContainerGuard.check(file, unpacking);
        handler = new StructureHandler(spreadsheet, maxChars, deadlineNanos);
        try (InputStream in = TikaInputStream.get(file)) {
          tika.parse(in, handler, metadata, context);
        }
      }
    } catch (ContainerGuard.Refused e) {
      throw new ParseException(e.getMessage(), e);
    } catch (ZeroByteFileException e) {
      throw new ParseException("the file is empty", e);
    } catch (SAXException | TikaException | IOException | RuntimeException e) {
      throw new ParseException(reason(e, mediaType), e);
    }
    List<ParsedDocument.Block> blocks = new ArrayList<>();
    for (ParsedDocument.Block raw : read != null ? read.blocks() : handler.blocks) {
      split(raw, MARKDOWN.contains(mediaType), blocks);
    }
    if (blocks.isEmpty()) {
      throw new ParseException(
          "no text could be extracted (a scanned document or an image without a text layer?)");
    }
    Integer pages = read != null ? read.pages() : handler.page > 0 ? handler.page : null;
    return new ParsedDocument(blocks, pages);
  }

  /**
   * Plain text in UTF-8 is read as it is, one block like Tika's text parser makes; Tika would
   * detect its type and its character set again (about a fifth of a worker's time for plain text).
   * Answers false, having read part of it, when the file is not UTF-8: Tika reads it then.
   */
  static boolean utf8(Path file, StructureHandler handler) throws IOException, SAXException {
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    try (Reader in = new InputStreamReader(Files.newInputStream(file), decoder)) {
      char[] buffer = new char[8192];
      handler.startElement("", "p", "p", new AttributesImpl());
      boolean first = true;
      for (int n; (n = in.read(buffer)) > 0; first = false) {
        int skip = first && buffer[0] == '\uFEFF' ? 1 : 0;
        handler.characters(buffer, skip, n - skip);
      }
      handler.endElement("", "p", "p");
      handler.endDocument();
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }

  /** Splits a raw block into paragraphs; in Markdown, lines starting with # are headings. */
  private static void split(
      ParsedDocument.Block raw, boolean markdown, List<ParsedDocument.Block> out) {
    if (!markdown) {
      for (String paragraph : BLANK_LINES.split(raw.text())) {
        add(out, paragraph, raw.location());
      }
      return;
    }
    List<String> headings = new ArrayList<>(raw.location().headings());
    Location location = raw.location();
    StringBuilder paragraph = new StringBuilder();
    for (String line : raw.text().split("\n", -1)) {
      Matcher heading = MD_HEADING.matcher(line);
      if (heading.matches() || line.isBlank()) {
        add(out, paragraph.toString(), location);
        paragraph.setLength(0);
      }
      if (heading.matches()) {
        int level = heading.group(1).length();
        while (headings.size() >= level) {
          headings.remove(headings.size() - 1);
        }
        while (headings.size() < level - 1) {
          headings.add("");
        }
        headings.add(heading.group(2));
        location = new Location(location.page(), location.sheet(), present(headings));
        add(out, heading.group(2), location);
      } else if (!line.isBlank()) {
        paragraph.append(line).append('\n');
      }
    }
    add(out, paragraph.toString(), location);
  }

  private static List<String> present(List<String> headings) {
    return headings.stream().filter(h -> !h.isEmpty()).toList();
  }

  private static void add(List<ParsedDocument.Block> out, String text, Location location) {
    String clean = text.replaceAll("[\\s\\u00a0]+", " ").strip();
    if (!clean.isEmpty()) {
      out.add(new ParsedDocument.Block(clean, location));
    }
  }

  /**
   * A reason the person who uploaded the file can act on, from whatever the parser threw: never the
   * parser's own words (those go to the log).
   */
  static String reason(Throwable e, String mediaType) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof LimitException limit) {
        return limit.getMessage();
      }
      if (t instanceof EncryptedDocumentException
          || t instanceof org.apache.pdfbox.pdmodel.encryption.InvalidPasswordException) {
        return "the document is encrypted (password protected); upload it without a password";
      }
      String message = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
      if (message.contains("zip bomb") || t.getClass().getSimpleName().contains("ZipBomb")) {
        return "the document expands to far more data than its size (a zip bomb?) and was refused";
      }
      if (message.contains("doctype is disallowed")
          || message.contains("entity expansion")
          || message.contains("entityexpansion")
          || message.contains("jaxp00010001")) {
        return "the document contains XML entity declarations, which are refused";
      }
    }
    return "the file could not be read as "
        + describe(mediaType)
        + ": it is damaged, incomplete or not really that kind of file; open it in the program"
        + " that made it, save it again and upload the copy";
  }

  /** A media type in words. */
  static String describe(String mediaType) {
    return switch (mediaType) {
      case "application/pdf" -> "a PDF";
      case "application/vnd.openxmlformats-officedocument.wordprocessingml.document" ->
          "a Word document (DOCX)";
      case "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" ->
          "an Excel workbook (XLSX)";
      case "application/vnd.openxmlformats-officedocument.presentationml.presentation" ->
          "a PowerPoint presentation (PPTX)";
      case "application/vnd.oasis.opendocument.text" -> "an OpenDocument text (ODT)";
      case "application/epub+zip" -> "an EPUB book";
      case "application/rtf" -> "an RTF document";
      case "message/rfc822" -> "an e-mail message";
      case "text/html", "application/xhtml+xml" -> "a web page (HTML)";
      default -> mediaType.startsWith("text/") ? "text" : mediaType;
    };
  }

  /** The text is too long or parsing took too long. */
  static final class LimitException extends SAXException {
    LimitException(String reason) {
      super(reason);
    }

    static LimitException tooLong(long maxChars) {
      return new LimitException(
          "the document has more than "
              + String.format(Locale.ROOT, "%,d", maxChars)
              + " characters of text (copilot.ingestion.max-text-chars)");
    }

    static LimitException tooSlow() {
      return new LimitException(
          "reading the document took longer than allowed (copilot.ingestion.parse-timeout)");
    }
  }

  /** Collects blocks from Tika's XHTML events. */
  static final class StructureHandler extends DefaultHandler {
    private static final Set<String> BLOCKS =
        Set.of(
            "p",
            "div",
            "li",
            "tr",
            "pre",
            "blockquote",
            "dd",
            "dt",
            "table",
            "section",
            "article",
            "ul",
            "ol",
            "body");
    private static final Set<String> SKIPPED = Set.of("head", "script", "style", "title");

    private final boolean spreadsheet;
    private final TextBudget budget;
    final List<ParsedDocument.Block> blocks = new ArrayList<>();
    private final StringBuilder text = new StringBuilder();
    private final String[] headings = new String[6];
    int page;
    private String sheet;
    private boolean sheetNamePending;
    private int headingLevel;
    private int skipDepth;

    StructureHandler(boolean spreadsheet, long maxChars, long deadlineNanos) {
      this.spreadsheet = spreadsheet;
      this.budget = new TextBudget(maxChars, deadlineNanos);
    }

    @Override
    public void startElement(String uri, String localName, String qName, Attributes attributes)
        throws SAXException {
      String name =
          (localName == null || localName.isEmpty() ? qName : localName).toLowerCase(Locale.ROOT);
      if (skipDepth > 0 || SKIPPED.contains(name)) {
        skipDepth++;
        return;
      }
      budget.checkDeadline();
      if ("div".equals(name)) {
        String cls = attributes.getValue("class");
        if ("page".equals(cls) || "slide-content".equals(cls) || "sheet".equals(cls)) {
          flush();
          page++;
          if (spreadsheet) {
            sheet = null;
            sheetNamePending = true;
            Arrays.fill(headings, null);
          }
          return;
        }
      }
      int level = headingLevel(name);
      if (level > 0) {
        flush();
        headingLevel = level;
      } else if (BLOCKS.contains(name)) {
        flush();
      } else if ("td".equals(name) || "th".equals(name)) {
        if (!text.isEmpty()) {
          text.append(" | ");
        }
      } else if ("br".equals(name)) {
        text.append('\n');
      }
    }

    @Override
    public void endElement(String uri, String localName, String qName) throws SAXException {
      if (skipDepth > 0) {
        skipDepth--;
        return;
      }
      String name =
          (localName == null || localName.isEmpty() ? qName : localName).toLowerCase(Locale.ROOT);
      int level = headingLevel(name);
      if (level > 0 && headingLevel > 0) {
        String heading = text.toString().replaceAll("\\s+", " ").strip();
        text.setLength(0);
        headingLevel = 0;
        if (heading.isEmpty()) {
          return;
        }
        if (spreadsheet && sheetNamePending) {
          sheet = heading;
          sheetNamePending = false;
          return;
        }
        headings[level - 1] = heading;
        for (int i = level; i < headings.length; i++) {
          headings[i] = null;
        }
        blocks.add(new ParsedDocument.Block(heading, location()));
      } else if (BLOCKS.contains(name)) {
        flush();
      }
    }

    @Override
    public void characters(char[] ch, int start, int length) throws SAXException {
      if (skipDepth > 0) {
        return;
      }
      budget.spend(length);
      text.append(ch, start, length);
    }

    /**
     * Line breaks: Tika sends the break at the end of a PDF line as ignorable whitespace, and the
     * words on either side of it must stay apart ("3. Delivery" and "Grainworks Ltd.").
     */
    @Override
    public void ignorableWhitespace(char[] ch, int start, int length) throws SAXException {
      if (skipDepth == 0 && !text.isEmpty()) {
        text.append(' ');
      }
    }

    @Override
    public void endDocument() {
      flush();
    }

    private void flush() {
      if (headingLevel > 0) {
        return;
      }
      if (!text.toString().isBlank()) {
        blocks.add(new ParsedDocument.Block(text.toString(), location()));
      }
      text.setLength(0);
    }

    private Location location() {
      List<String> path = new ArrayList<>();
      for (String h : headings) {
        if (h != null) {
          path.add(h);
        }
      }
      return new Location(page > 0 && !spreadsheet ? page : null, sheet, path);
    }

    private static int headingLevel(String name) {
      if (name.length() == 2
          && name.charAt(0) == 'h'
          && name.charAt(1) >= '1'
          && name.charAt(1) <= '6') {
        return name.charAt(1) - '0';
      }
      return 0;
    }
  }
}
