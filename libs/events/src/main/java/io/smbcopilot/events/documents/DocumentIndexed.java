package io.smbcopilot.events.documents;

import java.util.List;

/**
 * A document is searchable. {@code uploadedBy} (the user or API key that uploaded it) and {@code
 * title} came later in v1, {@code mediaType} and {@code tags} later still: older events may lack
 * them.
 */
public record DocumentIndexed(
    String tenantId,
    String documentId,
    String collectionId,
    int chunks,
    String uploadedBy,
    String title,
    String mediaType,
    List<String> tags) {

  /** Without the media type and tags (as the first v1 events were). */
  public DocumentIndexed(
      String tenantId,
      String documentId,
      String collectionId,
      int chunks,
      String uploadedBy,
      String title) {
    this(tenantId, documentId, collectionId, chunks, uploadedBy, title, null, null);
  }
}
