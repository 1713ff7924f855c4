package io.smbcopilot.ingestion.pipeline;

import java.util.List;

/**
 * Where a passage is in its document: the page (of a PDF), the sheet of a spreadsheet, the path of
 * headings above it (outermost first; a slide's title is its heading) and the slide of a
 * presentation. Parts a format does not have are null or empty.
 */
public record Location(Integer page, String sheet, List<String> headings, Integer slide) {
  public Location {
    headings = headings == null ? List.of() : List.copyOf(headings);
  }

  /** A location in a document without slides. */
  public Location(Integer page, String sheet, List<String> headings) {
    this(page, sheet, headings, null);
  }

  /** The heading path as one string, {@code "Chapter > Section"}, or null without headings. */
  public String headingPath() {
    return headings.isEmpty() ? null : String.join(" > ", headings);
  }
}
