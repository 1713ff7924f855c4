package io.smbcopilot.ingestion.pipeline;

import java.util.List;

/**
 * The text of a document as blocks (paragraphs, table rows, list items) in reading order, each with
 * its location; {@code pages} is the number of pages, slides or sheets, or null.
 */
public record ParsedDocument(List<Block> blocks, Integer pages) {
  /** A paragraph-like unit of text and where it is. */
  public record Block(String text, Location location) {}
}
