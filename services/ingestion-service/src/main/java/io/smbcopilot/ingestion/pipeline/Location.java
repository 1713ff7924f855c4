package io.smbcopilot.ingestion.pipeline;

import java.util.List;

/**
 * Where a passage is in its document: the page (PDF page, presentation slide), the sheet of a
 * spreadsheet, and the path of headings above it (outermost first). Parts a format does not have
 * are null or empty.
 */
public record Location(Integer page, String sheet, List<String> headings) {
  public Location {
    headings = headings == null ? List.of() : List.copyOf(headings);
  }

  /** The heading path as one string, {@code "Chapter > Section"}, or null without headings. */
  public String headingPath() {
    return headings.isEmpty() ? null : String.join(" > ", headings);
  }
}
