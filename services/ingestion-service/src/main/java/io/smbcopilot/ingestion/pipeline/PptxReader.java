package io.smbcopilot.ingestion.pipeline;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.poi.openxml4j.exceptions.InvalidFormatException;
import org.apache.poi.openxml4j.opc.OPCPackage;
import org.apache.poi.openxml4j.opc.PackageAccess;
import org.apache.poi.sl.usermodel.Placeholder;
import org.apache.poi.xslf.usermodel.XMLSlideShow;
import org.apache.poi.xslf.usermodel.XSLFGroupShape;
import org.apache.poi.xslf.usermodel.XSLFNotes;
import org.apache.poi.xslf.usermodel.XSLFShape;
import org.apache.poi.xslf.usermodel.XSLFSlide;
import org.apache.poi.xslf.usermodel.XSLFTable;
import org.apache.poi.xslf.usermodel.XSLFTableCell;
import org.apache.poi.xslf.usermodel.XSLFTableRow;
import org.apache.poi.xslf.usermodel.XSLFTextParagraph;
import org.apache.poi.xslf.usermodel.XSLFTextShape;

/**
 * Reads a PowerPoint presentation slide by slide, with Apache POI: each slide's title is the
 * heading of everything on it, and its location is the slide (Tika gives a slide's title as one
 * more paragraph). Text boxes, tables and grouped shapes are read in the slide's order; the
 * speaker's notes follow the slide's text.
 */
final class PptxReader {
  private PptxReader() {}

  static ParsedDocument read(Path file, long maxChars, long deadlineNanos)
      throws IOException, DocumentParser.LimitException {
    List<ParsedDocument.Block> blocks = new ArrayList<>();
    TextBudget budget = new TextBudget(maxChars, deadlineNanos);
    try (OPCPackage pkg = OPCPackage.open(file.toFile(), PackageAccess.READ);
        XMLSlideShow show = new XMLSlideShow(pkg)) {
      List<XSLFSlide> slides = show.getSlides();
      for (XSLFSlide slide : slides) {
        int number = slide.getSlideNumber();
        String title = slide.getTitle();
        List<String> headings =
            title == null || title.isBlank() ? List.of() : List.of(title.strip());
        Location location = new Location(null, null, headings, number);
        if (!headings.isEmpty()) {
          blocks.add(new ParsedDocument.Block(headings.get(0), location));
        }
        for (XSLFShape shape : slide.getShapes()) {
          read(shape, location, blocks, budget);
        }
        XSLFNotes notes = slide.getNotes();
        if (notes != null) {
          for (XSLFShape shape : notes.getShapes()) {
            if (shape instanceof XSLFTextShape text && text.getTextType() == Placeholder.BODY) {
              read(shape, location, blocks, budget);
            }
          }
        }
      }
      return new ParsedDocument(blocks, slides.isEmpty() ? null : slides.size());
    } catch (InvalidFormatException e) {
      throw new IOException(e);
    }
  }

  private static void read(
      XSLFShape shape, Location location, List<ParsedDocument.Block> blocks, TextBudget budget)
      throws DocumentParser.LimitException {
    if (shape instanceof XSLFTextShape text) {
      if (isTitle(text)) {
        return;
      }
      for (XSLFTextParagraph paragraph : text.getTextParagraphs()) {
        add(paragraph.getText(), location, blocks, budget);
      }
    } else if (shape instanceof XSLFTable table) {
      for (XSLFTableRow row : table.getRows()) {
        List<String> cells = new ArrayList<>();
        for (XSLFTableCell cell : row.getCells()) {
          String value = cell.getText();
          if (value != null && !value.isBlank()) {
            cells.add(value.strip());
          }
        }
        add(String.join(" | ", cells), location, blocks, budget);
      }
    } else if (shape instanceof XSLFGroupShape group) {
      for (XSLFShape inner : group.getShapes()) {
        read(inner, location, blocks, budget);
      }
    }
  }

  private static boolean isTitle(XSLFTextShape text) {
    Placeholder placeholder = text.getTextType();
    return placeholder == Placeholder.TITLE || placeholder == Placeholder.CENTERED_TITLE;
  }

  private static void add(
      String text, Location location, List<ParsedDocument.Block> blocks, TextBudget budget)
      throws DocumentParser.LimitException {
    if (text == null || text.isBlank()) {
      return;
    }
    budget.spend(text.length());
    blocks.add(new ParsedDocument.Block(text, location));
  }
}
