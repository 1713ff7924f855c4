package io.smbcopilot.events.documents;

/**
 * A document is searchable. {@code uploadedBy} (the user or API key that uploaded it) and {@code
 * title} came later in v1 and may be missing from older events.
 */
public record DocumentIndexed(
    String tenantId,
    String documentId,
    String collectionId,
    int chunks,
    String uploadedBy,
    String title) {}
