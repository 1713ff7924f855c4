package io.smbcopilot.events.documents;

/** A document is searchable. */
public record DocumentIndexed(
    String tenantId, String documentId, String collectionId, int chunks) {}
