package io.smbcopilot.events.documents;

/** A document could not be indexed; {@code reason} says why. */
public record DocumentFailed(String tenantId, String documentId, String reason) {}
