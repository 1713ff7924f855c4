package io.smbcopilot.ingestion;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.encryption.AccessPermission;
import org.apache.pdfbox.pdmodel.encryption.StandardProtectionPolicy;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;
import org.apache.poi.xslf.usermodel.XMLSlideShow;
import org.apache.poi.xslf.usermodel.XSLFSlide;
import org.apache.poi.xslf.usermodel.XSLFTextBox;
import org.apache.poi.xssf.usermodel.XSSFSheet;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;

/**
 * Documents in each supported format, built here, each with known facts in known places (page,
 * heading, sheet). A fact has a distinctive keyword query and a question for vector search.
 */
public final class Corpus {
  /**
   * @param keywords words only this fact's passage has
   * @param question the fact asked in other words, for vector search
   * @param snippet text the passage found must contain
   */
  /**
   * A fact of the corpus and where it is: {@code page} is the page of a PDF or the slide of a
   * presentation.
   */
  public record Fact(
      String file,
      String keywords,
      String question,
      String snippet,
      Integer page,
      String heading,
      String sheet) {}

  public record Doc(String file, byte[] bytes, String mediaType) {}

  static final String FILLER =
      "This section is part of the internal handbook of the Acme Bakery. It is reviewed every"
          + " year by the management team and shared with every new member of staff during their"
          + " first week. Questions about it go to the shop manager.";

  public static final List<Fact> FACTS =
      List.of(
          new Fact(
              "handbook.pdf",
              "Zephyr espresso descaled",
              "How often does the coffee machine need descaling?",
              "Zephyr espresso machine must be descaled every 45 days",
              2,
              null,
              null),
          new Fact(
              "handbook.pdf",
              "Quillon flour supplier Tuesday",
              "Which day is flour delivered?",
              "Quillon Mills delivers the flour every Tuesday",
              3,
              null,
              null),
          new Fact(
              "returns.docx",
              "refund Brightwater receipt",
              "How many days do customers have to get their money back?",
              "Brightwater store refunds purchases within 14 days",
              null,
              "Refund window",
              null),
          new Fact(
              "suppliers.xlsx",
              "Harlowe dairy butter",
              "Who supplies our butter?",
              "Harlowe Dairy",
              null,
              null,
              "Suppliers"),
          new Fact(
              "training.pptx",
              "Marigold oven temperature",
              "What temperature is the oven for sourdough?",
              "Marigold oven bakes sourdough at 230 degrees",
              2,
              "Oven temperatures",
              null),
          new Fact(
              "hours.odt",
              "Saturday Pemberton opening",
              "When does the shop open on Saturdays?",
              "Pemberton shop opens at 8 on Saturdays",
              null,
              "Opening hours",
              null),
          new Fact(
              "delivery.html",
              "Thornbury rural delivery fee",
              "How much does delivery to the countryside cost?",
              "Thornbury rural delivery costs 12 euros",
              null,
              "Rural areas",
              null),
          new Fact(
              "staff.md",
              "uniform apron Cobalt",
              "What colour are the staff aprons?",
              "Cobalt blue aprons",
              null,
              "Uniforms",
              null),
          new Fact(
              "notes.txt",
              "Wexford alarm code",
              "Who knows the alarm code of the building?",
              "Wexford security alarm code is changed monthly",
              null,
              null,
              null),
          new Fact(
              "prices.csv",
              "Calloway rye loaf price",
              "How much is a loaf of rye bread?",
              "Calloway rye loaf",
              null,
              null,
              null),
          new Fact(
              "meeting.eml",
              "Ravensworth catering order",
              "Which wedding catering order was confirmed?",
              "Ravensworth wedding catering order for 120 guests",
              null,
              null,
              null),
          new Fact(
              "recipes.epub",
              "sesame allergen Lindqvist",
              "Which allergens must be declared on labels?",
              "Lindqvist seeded rolls contain sesame",
              null,
              "Allergens",
              null),
          new Fact(
              "cleaning.rtf",
              "Halvorsen floor cleaning",
              "When are the floors cleaned?",
              "Halvorsen cleaning company mops the floors every night",
              null,
              null,
              null));

  private Corpus() {}

  public static List<Doc> all() throws IOException {
    List<Doc> docs = new ArrayList<>();
    docs.add(new Doc("handbook.pdf", pdf(), "application/pdf"));
    docs.add(
        new Doc(
            "returns.docx",
            docx(
                List.of(
                    "1:Customer service",
                    FILLER,
                    "2:Refund window",
                    "The Brightwater store refunds purchases within 14 days when the customer"
                        + " shows the receipt.",
                    "2:Gift cards",
                    "Gift cards cannot be exchanged for cash.")),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document"));
    docs.add(
        new Doc(
            "suppliers.xlsx",
            xlsx(),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"));
    docs.add(
        new Doc(
            "training.pptx",
            pptx(),
            "application/vnd.openxmlformats-officedocument.presentationml.presentation"));
    docs.add(new Doc("hours.odt", odt(), "application/vnd.oasis.opendocument.text"));
    docs.add(new Doc("delivery.html", text(html()), "text/html"));
    docs.add(new Doc("staff.md", text(markdown()), "text/x-web-markdown"));
    docs.add(
        new Doc(
            "notes.txt",
            text(
                "Shop notes\n\n"
                    + FILLER
                    + "\n\nThe bins go out on Thursday evening.\n\n"
                    + "The Wexford security alarm code is changed monthly and only the manager"
                    + " knows it.\n"),
            "text/plain"));
    docs.add(
        new Doc(
            "prices.csv",
            text(
                "product,price,unit\nBaguette,1.20,piece\nCroissant,1.50,piece\n"
                    + "Calloway rye loaf,4.80,piece\nApple tart,18.00,whole\n"),
            "text/csv"));
    docs.add(new Doc("meeting.eml", text(eml()), "message/rfc822"));
    docs.add(new Doc("recipes.epub", epub(), "application/epub+zip"));
    docs.add(
        new Doc(
            "cleaning.rtf",
            text(
                "{\\rtf1\\ansi\\deff0{\\fonttbl{\\f0 Times New Roman;}}\\f0 Cleaning schedule\\par\n"
                    + FILLER
                    + "\\par\nThe Halvorsen cleaning company mops the floors every night after"
                    + " closing.\\par\n}"),
            "application/rtf"));
    return docs;
  }

  static byte[] text(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static byte[] pdf() throws IOException {
    List<List<String>> pages =
        List.of(
            List.of("Bakery handbook", "Welcome to the team.", FILLER),
            List.of(
                "Equipment care",
                "The Zephyr espresso machine must be descaled every 45 days.",
                "Use only the descaling tablets in the store room."),
            List.of(
                "Suppliers",
                "Quillon Mills delivers the flour every Tuesday morning.",
                "Check the sacks for damage before signing."));
    return pdf(pages, null);
  }

  /**
   * A contract laid out as such documents are: a title, numbered section headings in bold, body
   * text whose lines wrap mid-sentence, two pages. With {@code bookmarks}, the headings are set
   * like the body and only the PDF's outline says what they are.
   */
  static byte[] contractPdf(boolean bookmarks) throws IOException {
    // {size, bold (1) or not, text}; "" ends a paragraph; null starts a new page
    Object[][] layout = {
      {18, 1, "Supply Agreement"},
      {13, 1, "1. Parties"},
      {
        11, 0, "This agreement is made between Calloway Bakery and Grainworks Ltd., the supplier of"
      },
      {11, 0, "flour and grain to the bakery."},
      {11, 0, ""},
      {13, 1, "2. Delivery"},
      {11, 1, "2.1 Schedule"},
      {
        11, 0, "Grainworks Ltd. delivers every Tuesday before seven in the morning to the back door"
      },
      {11, 0, "of the bakery on Mill Lane."},
      {11, 0, ""},
      {11, 1, "2.2 Damaged goods"},
      {11, 0, "Sacks that arrive torn are returned at the supplier's cost within 48 hours."},
      null,
      {13, 1, "3. Payment"},
      {11, 0, "Invoices are paid within 30 days; late payment carries interest of two percent a"},
      {11, 0, "month on the amount due."},
    };
    try (PDDocument doc = new PDDocument()) {
      PDType1Font regular = new PDType1Font(Standard14Fonts.FontName.HELVETICA);
      PDType1Font bold = new PDType1Font(Standard14Fonts.FontName.HELVETICA_BOLD);
      org.apache.pdfbox.pdmodel.interactive.documentnavigation.outline.PDDocumentOutline outline =
          new org.apache.pdfbox.pdmodel.interactive.documentnavigation.outline.PDDocumentOutline();
      org.apache.pdfbox.pdmodel.interactive.documentnavigation.outline.PDOutlineItem title = null;
      org.apache.pdfbox.pdmodel.interactive.documentnavigation.outline.PDOutlineItem section = null;
      PDPage page = null;
      PDPageContentStream cs = null;
      float y = 0;
      for (Object[] line : layout) {
        if (page == null || line == null) {
          if (cs != null) {
            cs.close();
          }
          page = new PDPage();
          doc.addPage(page);
          cs = new PDPageContentStream(doc, page);
          y = 720;
          if (line == null) {
            continue;
          }
        }
        int size = (Integer) line[0];
        boolean heavy = (Integer) line[1] == 1;
        String text = (String) line[2];
        y -= size + 6;
        if (text.isEmpty()) {
          continue;
        }
        cs.beginText();
        cs.setFont(heavy && !bookmarks ? bold : regular, bookmarks ? 11 : size);
        cs.newLineAtOffset(50, y);
        cs.showText(text);
        cs.endText();
        if (bookmarks && heavy) {
          org.apache.pdfbox.pdmodel.interactive.documentnavigation.outline.PDOutlineItem item =
              new org.apache.pdfbox.pdmodel.interactive.documentnavigation.outline.PDOutlineItem();
          item.setTitle(text);
          item.setDestination(page);
          if (title == null) {
            title = item;
            outline.addLast(item);
          } else if (text.matches("\\d+\\. .*")) {
            section = item;
            title.addLast(item);
          } else {
            section.addLast(item);
          }
        }
      }
      cs.close();
      if (bookmarks) {
        doc.getDocumentCatalog().setDocumentOutline(outline);
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      doc.save(out);
      return out.toByteArray();
    }
  }

  /** A PDF with one page per list of lines; encrypted with the user password when one is given. */
  static byte[] pdf(List<List<String>> pages, String userPassword) throws IOException {
    try (PDDocument doc = new PDDocument()) {
      PDType1Font font = new PDType1Font(Standard14Fonts.FontName.HELVETICA);
      for (List<String> lines : pages) {
        PDPage page = new PDPage();
        doc.addPage(page);
        try (PDPageContentStream cs = new PDPageContentStream(doc, page)) {
          cs.beginText();
          cs.setFont(font, 11);
          cs.setLeading(16);
          cs.newLineAtOffset(50, 720);
          for (String line : lines) {
            for (String part : wrap(line, 90)) {
              cs.showText(part);
              cs.newLine();
            }
            cs.newLine();
          }
          cs.endText();
        }
      }
      if (userPassword != null) {
        StandardProtectionPolicy policy =
            new StandardProtectionPolicy(
                "owner-" + userPassword, userPassword, new AccessPermission());
        policy.setEncryptionKeyLength(128);
        doc.protect(policy);
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      doc.save(out);
      return out.toByteArray();
    }
  }

  static List<String> wrap(String text, int width) {
    List<String> lines = new ArrayList<>();
    StringBuilder line = new StringBuilder();
    for (String word : text.split(" ")) {
      if (line.length() + word.length() + 1 > width && !line.isEmpty()) {
        lines.add(line.toString());
        line.setLength(0);
      }
      if (!line.isEmpty()) {
        line.append(' ');
      }
      line.append(word);
    }
    lines.add(line.toString());
    return lines;
  }

  /** Paragraphs; "1:Title" is a heading of level 1. */
  static byte[] docx(List<String> paragraphs) throws IOException {
    StringBuilder body = new StringBuilder();
    for (String p : paragraphs) {
      if (p.matches("\\d:.*")) {
        body.append("<w:p><w:pPr><w:pStyle w:val=\"Heading")
            .append(p.charAt(0))
            .append("\"/></w:pPr><w:r><w:t>")
            .append(xml(p.substring(2)))
            .append("</w:t></w:r></w:p>");
      } else {
        body.append("<w:p><w:r><w:t>").append(xml(p)).append("</w:t></w:r></w:p>");
      }
    }
    return docxWithBody(body.toString(), "");
  }

  static byte[] docxWithBody(String body, String doctype) throws IOException {
    Map<String, byte[]> parts = new LinkedHashMap<>();
    parts.put(
        "[Content_Types].xml",
        text(
            "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>"
                + "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
                + "<Default Extension=\"rels\""
                + " ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
                + "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
                + "<Override PartName=\"/word/document.xml\" ContentType=\"application/"
                + "vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/>"
                + "<Override PartName=\"/word/styles.xml\" ContentType=\"application/"
                + "vnd.openxmlformats-officedocument.wordprocessingml.styles+xml\"/>"
                + "</Types>"));
    parts.put(
        "_rels/.rels",
        text(
            "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?><Relationships"
                + " xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
                + "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/"
                + "officeDocument/2006/relationships/officeDocument\" Target=\"word/document.xml\"/>"
                + "</Relationships>"));
    parts.put(
        "word/_rels/document.xml.rels",
        text(
            "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?><Relationships"
                + " xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
                + "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/"
                + "officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/>"
                + "</Relationships>"));
    parts.put(
        "word/styles.xml",
        text(
            "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?><w:styles"
                + " xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">"
                + "<w:style w:type=\"paragraph\" w:styleId=\"Heading1\"><w:name w:val=\"heading 1\"/>"
                + "</w:style><w:style w:type=\"paragraph\" w:styleId=\"Heading2\">"
                + "<w:name w:val=\"heading 2\"/></w:style></w:styles>"));
    parts.put(
        "word/document.xml",
        text(
            "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>"
                + doctype
                + "<w:document"
                + " xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">"
                + "<w:body>"
                + body
                + "</w:body></w:document>"));
    return zip(parts, null);
  }

  static byte[] xlsx() throws IOException {
    try (XSSFWorkbook wb = new XSSFWorkbook()) {
      XSSFSheet prices = wb.createSheet("Prices");
      prices.createRow(0).createCell(0).setCellValue("Baguette");
      prices.getRow(0).createCell(1).setCellValue(1.2);
      XSSFSheet suppliers = wb.createSheet("Suppliers");
      String[][] rows = {
        {"Product", "Supplier", "Contact"},
        {"Butter", "Harlowe Dairy", "orders@harlowe.example"},
        {"Eggs", "Fenwick Farm", "eggs@fenwick.example"}
      };
      for (int r = 0; r < rows.length; r++) {
        for (int c = 0; c < rows[r].length; c++) {
          if (suppliers.getRow(r) == null) {
            suppliers.createRow(r);
          }
          suppliers.getRow(r).createCell(c).setCellValue(rows[r][c]);
        }
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      wb.write(out);
      return out.toByteArray();
    }
  }

  /** Three slides with a title each (the middle one's body in a text box of its own). */
  static byte[] pptx() throws IOException {
    try (XMLSlideShow show = new XMLSlideShow()) {
      String[][] slides = {
        {"Baking training", FILLER},
        {"Oven temperatures", "The Marigold oven bakes sourdough at 230 degrees for 40 minutes."},
        {"Cleaning up", "Cleaning up after baking: wipe every surface."}
      };
      org.apache.poi.xslf.usermodel.XSLFSlideLayout layout =
          show.getSlideMasters()
              .get(0)
              .getLayout(org.apache.poi.xslf.usermodel.SlideLayout.TITLE_AND_CONTENT);
      for (String[] content : slides) {
        XSLFSlide slide = show.createSlide(layout);
        slide.getPlaceholder(0).setText(content[0]);
        if (content[0].startsWith("Oven")) {
          slide.removeShape(slide.getPlaceholder(1));
          XSLFTextBox box = slide.createTextBox();
          box.setAnchor(new java.awt.geom.Rectangle2D.Double(50, 150, 600, 300));
          box.setText(content[1]);
        } else {
          slide.getPlaceholder(1).setText(content[1]);
        }
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      show.write(out);
      return out.toByteArray();
    }
  }

  static byte[] odt() throws IOException {
    Map<String, byte[]> parts = new LinkedHashMap<>();
    parts.put("mimetype", text("application/vnd.oasis.opendocument.text"));
    parts.put(
        "META-INF/manifest.xml",
        text(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><manifest:manifest"
                + " xmlns:manifest=\"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0\""
                + " manifest:version=\"1.2\"><manifest:file-entry manifest:full-path=\"/\""
                + " manifest:media-type=\"application/vnd.oasis.opendocument.text\"/>"
                + "<manifest:file-entry manifest:full-path=\"content.xml\""
                + " manifest:media-type=\"text/xml\"/></manifest:manifest>"));
    parts.put(
        "content.xml",
        text(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><office:document-content"
                + " xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\""
                + " xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\""
                + " office:version=\"1.2\"><office:body><office:text>"
                + "<text:h text:outline-level=\"1\">Shop</text:h><text:p>"
                + FILLER
                + "</text:p><text:h text:outline-level=\"2\">Opening hours</text:h>"
                + "<text:p>The Pemberton shop opens at 8 on Saturdays and at 7 on weekdays.</text:p>"
                + "<text:h text:outline-level=\"2\">Holidays</text:h>"
                + "<text:p>The shop is closed on public holidays.</text:p>"
                + "</office:text></office:body></office:document-content>"));
    return zip(parts, "mimetype");
  }

  static String html() {
    return "<!DOCTYPE html><html><head><title>Delivery</title></head><body>"
        + "<h1>Delivery</h1><p>"
        + FILLER
        + "</p><h2>City centre</h2><p>Delivery in the city centre is free above 30 euros.</p>"
        + "<h2>Rural areas</h2><p>Thornbury rural delivery costs 12 euros per order.</p>"
        + "</body></html>";
  }

  static String markdown() {
    return "# Staff handbook\n\n"
        + FILLER
        + "\n\n## Breaks\n\nEveryone takes a 30 minute lunch break.\n\n"
        + "## Uniforms\n\nStaff wear Cobalt blue aprons with the bakery logo.\n";
  }

  static String eml() {
    return "From: Maria <maria@acme.example>\r\n"
        + "To: team@acme.example\r\n"
        + "Subject: Catering orders this week\r\n"
        + "Date: Mon, 2 Nov 2026 09:00:00 +0000\r\n"
        + "Message-ID: <1@acme.example>\r\n"
        + "MIME-Version: 1.0\r\n"
        + "Content-Type: text/plain; charset=UTF-8\r\n"
        + "\r\n"
        + "Hello team,\r\n\r\n"
        + "The Ravensworth wedding catering order for 120 guests is confirmed for Saturday.\r\n"
        + "\r\nMaria\r\n";
  }

  static byte[] epub() throws IOException {
    Map<String, byte[]> parts = new LinkedHashMap<>();
    parts.put("mimetype", text("application/epub+zip"));
    parts.put(
        "META-INF/container.xml",
        text(
            "<?xml version=\"1.0\"?><container version=\"1.0\""
                + " xmlns=\"urn:oasis:names:tc:opendocument:xmlns:container\"><rootfiles>"
                + "<rootfile full-path=\"OEBPS/content.opf\""
                + " media-type=\"application/oebps-package+xml\"/></rootfiles></container>"));
    parts.put(
        "OEBPS/content.opf",
        text(
            "<?xml version=\"1.0\"?><package xmlns=\"http://www.idpf.org/2007/opf\" version=\"3.0\""
                + " unique-identifier=\"id\"><metadata xmlns:dc=\"http://purl.org/dc/elements/1.1/\">"
                + "<dc:identifier id=\"id\">recipes-1</dc:identifier><dc:title>Recipes</dc:title>"
                + "<dc:language>en</dc:language></metadata><manifest>"
                + "<item id=\"c1\" href=\"c1.xhtml\" media-type=\"application/xhtml+xml\"/>"
                + "<item id=\"c2\" href=\"c2.xhtml\" media-type=\"application/xhtml+xml\"/>"
                + "</manifest><spine><itemref idref=\"c1\"/><itemref idref=\"c2\"/></spine>"
                + "</package>"));
    parts.put("OEBPS/c1.xhtml", text(xhtml("Breads", FILLER)));
    parts.put(
        "OEBPS/c2.xhtml",
        text(
            xhtml(
                "Allergens",
                "Lindqvist seeded rolls contain sesame and must say so on the label.")));
    return zip(parts, "mimetype");
  }

  static String xhtml(String heading, String paragraph) {
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?><html xmlns=\"http://www.w3.org/1999/xhtml\">"
        + "<head><title>"
        + heading
        + "</title></head><body><h1>"
        + heading
        + "</h1><p>"
        + paragraph
        + "</p></body></html>";
  }

  static String xml(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  /**
   * A zip; the entry named {@code stored} (if any) first and uncompressed, as ODF and EPUB need.
   */
  static byte[] zip(Map<String, byte[]> parts, String stored) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(out)) {
      for (Map.Entry<String, byte[]> part : parts.entrySet()) {
        ZipEntry entry = new ZipEntry(part.getKey());
        if (part.getKey().equals(stored)) {
          entry.setMethod(ZipEntry.STORED);
          entry.setSize(part.getValue().length);
          CRC32 crc = new CRC32();
          crc.update(part.getValue());
          entry.setCrc(crc.getValue());
        }
        zip.putNextEntry(entry);
        zip.write(part.getValue());
        zip.closeEntry();
      }
    }
    return out.toByteArray();
  }

  // ---- bad input -------------------------------------------------------------------------

  /** A DOCX whose document.xml inflates to about {@code megabytes} MB of nothing. */
  static byte[] zipBombDocx(int megabytes) throws IOException {
    byte[] valid = docx(List.of("Hello"));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(out);
        java.util.zip.ZipInputStream in =
            new java.util.zip.ZipInputStream(new java.io.ByteArrayInputStream(valid))) {
      for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
        zip.putNextEntry(new ZipEntry(e.getName()));
        if (e.getName().equals("word/document.xml")) {
          writeBomb(zip, megabytes);
        } else {
          in.transferTo(zip);
        }
        zip.closeEntry();
      }
    }
    return out.toByteArray();
  }

  /**
   * A container with its {@code part} replaced by about {@code megabytes} MB of one XML paragraph
   * repeated (a parser that builds the part's tree in memory needs many times that), or with {@code
   * inner} added as a part when {@code part} names a new one.
   */
  static byte[] withPart(byte[] container, String part, int megabytes, byte[] inner)
      throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(out);
        java.util.zip.ZipInputStream in =
            new java.util.zip.ZipInputStream(new java.io.ByteArrayInputStream(container))) {
      zip.setLevel(java.util.zip.Deflater.BEST_COMPRESSION);
      for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
        if (e.getName().equals(part)) {
          continue;
        }
        zip.putNextEntry(new ZipEntry(e.getName()));
        in.transferTo(zip);
        zip.closeEntry();
      }
      zip.putNextEntry(new ZipEntry(part));
      if (inner != null) {
        zip.write(inner);
      } else {
        zip.write(
            text(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?><w:document xmlns:w=\"http://schemas."
                    + "openxmlformats.org/wordprocessingml/2006/main\"><w:body>"));
        byte[] paragraphs =
            text("<w:p><w:r><w:t>The ledger balances.</w:t></w:r></w:p>".repeat(20_000));
        for (long written = 0; written < megabytes * 1_000_000L; written += paragraphs.length) {
          zip.write(paragraphs);
        }
        zip.write(text("</w:body></w:document>"));
      }
      zip.closeEntry();
    }
    return out.toByteArray();
  }

  /** A DOCX whose document.xml is about {@code megabytes} MB of repeated paragraphs. */
  static byte[] repeatedXmlBombDocx(int megabytes) throws IOException {
    return withPart(docx(List.of("Hello")), "word/document.xml", megabytes, null);
  }

  /** A harmless DOCX that holds the bomb as an embedded document. */
  static byte[] nestedBombDocx(int megabytes) throws IOException {
    return withPart(
        docx(List.of("Hello")), "word/embeddings/inner.docx", 0, repeatedXmlBombDocx(megabytes));
  }

  private static void writeBomb(OutputStream zip, int megabytes) throws IOException {
    zip.write(
        text(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><w:document xmlns:w=\"http://schemas."
                + "openxmlformats.org/wordprocessingml/2006/main\"><w:body><w:p><w:r><w:t>"));
    byte[] spaces = new byte[1024 * 1024];
    java.util.Arrays.fill(spaces, (byte) ' ');
    for (int i = 0; i < megabytes; i++) {
      zip.write(spaces);
    }
    zip.write(text("</w:t></w:r></w:p></w:body></w:document>"));
  }

  static final String LAUGHS =
      "<!DOCTYPE lolz [<!ENTITY lol \"lol\">"
          + "<!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">"
          + "<!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;\">"
          + "<!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">"
          + "<!ENTITY lol4 \"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;\">"
          + "<!ENTITY lol5 \"&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;\">"
          + "<!ENTITY lol6 \"&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;\">"
          + "<!ENTITY lol7 \"&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;\">"
          + "<!ENTITY lol8 \"&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;\">"
          + "<!ENTITY lol9 \"&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;\">]>";

  /** A DOCX whose document.xml declares the billion-laughs entities and uses them. */
  static byte[] entityExpansionDocx() throws IOException {
    return docxWithBody("<w:p><w:r><w:t>&lol9;</w:t></w:r></w:p>", LAUGHS);
  }

  /** An XHTML page with the same entities. */
  static byte[] entityExpansionXhtml() {
    return text(
        "<?xml version=\"1.0\"?>"
            + LAUGHS.replace("lolz", "html")
            + "<html xmlns=\"http://www.w3.org/1999/xhtml\"><head><title>x</title></head>"
            + "<body><p>&lol9;</p></body></html>");
  }
}
