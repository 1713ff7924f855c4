package io.smbcopilot.events.documents;

/**
 * A document could not be indexed; {@code reason} says why. {@code uploadedBy} and {@code title}
 * came later in v1 and may be missing from older events.
 */
public record DocumentFailed(
    String tenantId, String documentId, String reason, String uploadedBy, String title) {}
