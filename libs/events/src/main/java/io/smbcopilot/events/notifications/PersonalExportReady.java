package io.smbcopilot.events.notifications;

/**
 * A person's own export is ready to download (issue 18): its archive, {@code sizeBytes} long, holds
 * the data of {@code requestedBy}, who asked and is told, and only they can fetch it until {@code
 * expiresAt}.
 */
public record PersonalExportReady(
    String tenantId, String exportId, String requestedBy, long sizeBytes, String expiresAt) {}
