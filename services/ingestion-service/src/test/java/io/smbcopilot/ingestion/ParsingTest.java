package io.smbcopilot.ingestion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smbcopilot.devstack.DevStackResource;
import io.smbcopilot.ingestion.pipeline.Chunker;
import io.smbcopilot.ingestion.pipeline.ContainerGuard;
import io.smbcopilot.ingestion.pipeline.DocumentParser;
import io.smbcopilot.ingestion.pipeline.ParseException;
import io.smbcopilot.ingestion.pipeline.ParsedDocument;
import io.smbcopilot.ingestion.service.DocumentService;
import io.smbcopilot.testing.InternalTokenResource;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Parsing and chunking, below the API: every format of the corpus keeps its structure, chunks
 * respect the token budget, and bad input fails with a reason, quickly. (A Quarkus test only so
 * that the tokenizer's native library is loaded by the same class loader as in the other tests.)
 */
@QuarkusTest
@WithTestResource(InternalTokenResource.class)
@WithTestResource(
    value = DevStackResource.class,
    initArgs = {
      @ResourceArg(name = "service", value = "ingestion-service"),
      @ResourceArg(name = "components", value = "postgres,kafka")
    })
class ParsingTest {
  static final DocumentParser PARSER = new DocumentParser(ContainerGuard.Limits.DEFAULT);
  static Chunker chunker;
  @TempDir Path dir;

  @BeforeAll
  static void start() {
    chunker = new Chunker(256, 32);
  }

  @AfterAll
  static void stop() {
    chunker.close();
  }

  List<Chunker.Chunk> chunks(String name, byte[] bytes) throws Exception {
    Path file = dir.resolve(name);
    Files.write(file, bytes);
    String type = DocumentService.detect(file, name);
    ParsedDocument parsed = PARSER.parse(file, type, 4_000_000, deadline(60));
    return chunker.chunk(parsed);
  }

  static long deadline(int seconds) {
    return System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
  }

  @Test
  void everyFormatKeepsItsFactsWithTheirLocation() throws Exception {
    Map<String, Corpus.Doc> docs =
        Corpus.all().stream().collect(Collectors.toMap(Corpus.Doc::file, d -> d));
    assertThat(docs).hasSize(12);
    for (Corpus.Doc doc : docs.values()) {
      Path file = dir.resolve(doc.file());
      Files.write(file, doc.bytes());
      assertThat(DocumentService.detect(file, doc.file()))
          .as(doc.file())
          .isEqualTo(doc.mediaType());
    }
    for (Corpus.Fact fact : Corpus.FACTS) {
      List<Chunker.Chunk> chunks = chunks(fact.file(), docs.get(fact.file()).bytes());
      Chunker.Chunk chunk =
          chunks.stream()
              .filter(c -> c.text().contains(fact.snippet()))
              .findFirst()
              .orElseThrow(
                  () ->
                      new AssertionError(
                          fact.file() + ": " + fact.snippet() + " not in " + chunks));
      if (fact.page() != null) {
        assertThat(
                fact.file().endsWith(".pptx") ? chunk.location().slide() : chunk.location().page())
            .as(fact.file())
            .isEqualTo(fact.page());
        if (fact.file().endsWith(".pptx")) {
          assertThat(chunk.location().page()).as("a slide is not a page").isNull();
        }
      }
      if (fact.heading() != null) {
        assertThat(chunk.location().headings()).as(fact.file()).contains(fact.heading());
      }
      if (fact.sheet() != null) {
        assertThat(chunk.location().sheet()).as(fact.file()).isEqualTo(fact.sheet());
      }
    }
  }

  @Test
  void pdfsKeepTheirHeadingsFromTypeOrBookmarksAndWordsApartAtLineEnds() throws Exception {
    for (boolean bookmarks : new boolean[] {false, true}) {
      String name = bookmarks ? "bookmarked.pdf" : "contract.pdf";
      List<Chunker.Chunk> chunks = chunks(name, Corpus.contractPdf(bookmarks));
      Map<String, Chunker.Chunk> by = new java.util.LinkedHashMap<>();
      for (String fact : List.of("Calloway Bakery", "every Tuesday", "arrive torn", "Invoices")) {
        by.put(
            fact,
            chunks.stream()
                .filter(c -> c.text().contains(fact))
                .findFirst()
                .orElseThrow(() -> new AssertionError(name + ": no " + fact + " in " + chunks)));
      }
      assertThat(by.get("Calloway Bakery").location().headings())
          .as(name)
          .containsExactly("Supply Agreement", "1. Parties");
      assertThat(by.get("every Tuesday").location().headings())
          .as(name)
          .containsExactly("Supply Agreement", "2. Delivery", "2.1 Schedule");
      assertThat(by.get("arrive torn").location().headings())
          .as(name)
          .containsExactly("Supply Agreement", "2. Delivery", "2.2 Damaged goods");
      assertThat(by.get("Invoices").location().headings())
          .as(name)
          .containsExactly("Supply Agreement", "3. Payment");
      assertThat(by.get("Invoices").location().page()).as(name).isEqualTo(2);
      assertThat(by.get("every Tuesday").location().page()).as(name).isEqualTo(1);
      // a wrapped line keeps its words apart, and a heading never runs into the text after it
      assertThat(by.get("Calloway Bakery").text()).contains("the supplier of flour and grain");
      assertThat(by.get("every Tuesday").text())
          .contains("the back door of the bakery on Mill Lane");
      assertThat(chunks).noneMatch(c -> c.text().contains("DeliveryGrainworks"));
      assertThat(chunks).noneMatch(c -> c.text().contains("ofthe"));
    }
  }

  @Test
  void chunksStayWithinTheTokenBudgetAndOverlap() throws Exception {
    StringBuilder text = new StringBuilder("# Long\n\n");
    for (int p = 0; p < 30; p++) {
      for (int s = 0; s < 8; s++) {
        text.append("Paragraph ")
            .append(p)
            .append(" sentence ")
            .append(s)
            .append(" talks about bread, flour, ovens and the morning shift. ");
      }
      text.append("\n\n");
    }
    List<Chunker.Chunk> chunks = chunks("long.md", text.toString().getBytes());
    assertThat(chunks.size()).isGreaterThan(5);
    for (int i = 0; i < chunks.size(); i++) {
      Chunker.Chunk c = chunks.get(i);
      assertThat(c.seq()).isEqualTo(i);
      assertThat(chunker.count(c.text())).as("chunk %d", i).isLessThanOrEqualTo(256 + 8);
      assertThat(c.location().headings()).containsExactly("Long");
      if (i > 0) {
        String previous = chunks.get(i - 1).text();
        String tail = previous.substring(previous.length() - 40);
        assertThat(c.text()).as("chunk %d starts with the end of the one before", i).contains(tail);
      }
    }
    // a sentence longer than a chunk is cut into token windows
    String one = "word".repeat(1) + " bakery".repeat(1200);
    List<Chunker.Chunk> cut = chunks("one.txt", one.getBytes());
    assertThat(cut.size()).isGreaterThan(4);
    cut.forEach(c -> assertThat(chunker.count(c.text())).isLessThanOrEqualTo(256 + 8));
  }

  @Test
  void badInputFailsWithAReasonAndQuickly() throws Exception {
    assertThatThrownBy(() -> chunks("bomb.docx", Corpus.zipBombDocx(300)))
        .isInstanceOf(ParseException.class)
        .hasMessageContaining("zip bomb");
    assertThatThrownBy(() -> chunks("laughs.docx", Corpus.entityExpansionDocx()))
        .isInstanceOf(ParseException.class)
        .hasMessageContaining("entit");
    assertThatThrownBy(() -> chunks("secret.pdf", Corpus.pdf(List.of(List.of("secret")), "pw")))
        .isInstanceOf(ParseException.class)
        .hasMessageContaining("encrypted");
    byte[] corrupt = ("%PDF-1.7\n" + "garbage ".repeat(2000)).getBytes();
    assertThatThrownBy(() -> chunks("corrupt.pdf", corrupt))
        .isInstanceOf(ParseException.class)
        .hasMessageContaining("could not be read as a PDF: it is damaged, incomplete")
        .hasMessageNotContaining("trailer");
    // A DOCX cut short is damaged, and says so (it declares no XML entities).
    byte[] docx = Corpus.docx(List.of("# Returns", "Returns are accepted within 30 days."));
    for (int length : new int[] {docx.length / 3, docx.length * 2 / 3}) {
      assertThatThrownBy(() -> chunks("cut.docx", java.util.Arrays.copyOf(docx, length)))
          .as("cut at %d of %d bytes", length, docx.length)
          .isInstanceOf(ParseException.class)
          .hasMessageContaining("could not be read as a Word document (DOCX): it is damaged")
          .hasMessageNotContaining("entit");
    }
    byte[] line = new byte[20 * 1024 * 1024];
    java.util.Arrays.fill(line, (byte) 'a');
    for (int i = 7; i < line.length; i += 8) {
      line[i] = ' ';
    }
    assertThatThrownBy(() -> chunks("line.txt", line))
        .isInstanceOf(ParseException.class)
        .hasMessageContaining("more than 4,000,000 characters");
  }

  @Test
  void containersThatUnpackFarBeyondTheirSizeAreRefusedBeforeAnyParserOpensThem() throws Exception {
    // The shape of the bomb found: a small DOCX whose document.xml is a few hundred MB of XML.
    byte[] bomb = Corpus.repeatedXmlBombDocx(300);
    assertThat(bomb.length).isLessThan(3_000_000);
    assertThatThrownBy(() -> chunks("bomb.docx", bomb))
        .isInstanceOf(ParseException.class)
        .hasMessageContaining("(word/document.xml)")
        .hasMessageContaining("zip bomb");
    // The same bomb as a document embedded in a harmless one.
    assertThatThrownBy(() -> chunks("nested.docx", Corpus.nestedBombDocx(300)))
        .isInstanceOf(ParseException.class)
        .hasMessageContaining("(word/embeddings/inner.docx!/word/document.xml)");
    // Every container format: an ODT, an EPUB, an XLSX and a PPTX with a bombed part.
    Map<String, String> parts =
        Map.of(
            "hours.odt", "content.xml",
            "recipes.epub", "OEBPS/c1.xhtml",
            "suppliers.xlsx", "xl/worksheets/sheet1.xml",
            "training.pptx", "ppt/slides/slide1.xml");
    Map<String, Corpus.Doc> docs =
        Corpus.all().stream().collect(Collectors.toMap(Corpus.Doc::file, d -> d));
    for (Map.Entry<String, String> e : parts.entrySet()) {
      Corpus.Doc doc = docs.get(e.getKey());
      assertThat(doc).as(e.getKey()).isNotNull();
      byte[] bombed = Corpus.withPart(doc.bytes(), e.getValue(), 200, null);
      assertThatThrownBy(() -> chunks(e.getKey(), bombed))
          .as(e.getKey())
          .isInstanceOf(ParseException.class)
          .hasMessageContaining("(" + e.getValue() + ")");
    }
    // A limit below the part's size refuses it; a real document stays well inside them.
    DocumentParser strict = new DocumentParser(new ContainerGuard.Limits(1_000, 1L << 30, 100, 3));
    Path handbook = dir.resolve("handbook.docx");
    List<String> paragraphs = new java.util.ArrayList<>(List.of("# Handbook"));
    for (int i = 0; i < 100; i++) {
      paragraphs.add("Paragraph " + i + ": the ledger balances at the end of every month.");
    }
    Files.write(handbook, Corpus.docx(paragraphs));
    assertThat(
            PARSER.parse(
                handbook,
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                4_000_000,
                deadline(60)))
        .isNotNull();
    assertThatThrownBy(
            () ->
                strict.parse(
                    handbook,
                    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                    4_000_000,
                    deadline(60)))
        .hasMessageContaining("more than 1,000 bytes in one part");
  }

  @Test
  void plainTextIsReadInItsCharacterSet() throws Exception {
    // UTF-8 with a byte order mark and Windows line ends: read directly, without the mark
    Path utf8 = dir.resolve("menu.txt");
    Files.write(
        utf8,
        ("\uFEFFCafé crème costs 3 €.\r\n\r\nThe 日本 tea is on the second shelf.\r\n")
            .getBytes(StandardCharsets.UTF_8));
    assertThat(DocumentService.detect(utf8, "menu.txt")).isEqualTo("text/plain");
    assertThat(PARSER.parse(utf8, "text/plain", 4_000_000, deadline(10)).blocks())
        .extracting(ParsedDocument.Block::text)
        .containsExactly("Café crème costs 3 €.", "The 日本 tea is on the second shelf.");

    // ISO-8859-1 is not UTF-8: Tika detects the character set
    Path latin1 = dir.resolve("latin1.txt");
    String french =
        "Le café crème de la boulangerie coûte trois euros. Les élèves préfèrent le thé.\n\n"
            .repeat(20);
    Files.write(latin1, french.getBytes(StandardCharsets.ISO_8859_1));
    List<ParsedDocument.Block> blocks =
        PARSER.parse(latin1, "text/plain", 4_000_000, deadline(10)).blocks();
    assertThat(blocks).hasSize(20);
    assertThat(blocks.get(0).text())
        .isEqualTo(
            "Le café crème de la boulangerie coûte trois euros. Les élèves préfèrent le thé.");
  }
}
