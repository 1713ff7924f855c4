package io.smbcopilot.events.documents;

/** A document's original is stored; the pipeline may start. */
public record DocumentUploaded(
    String tenantId,
    String documentId,
    String collectionId,
    String fileName,
    String mediaType,
    long sizeBytes,
    String sha256) {}
