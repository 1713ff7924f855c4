package io.smbcopilot.events.notifications;

/**
 * A tenant's export is ready to download (issue 18): its archive, {@code sizeBytes} long, can be
 * fetched until {@code expiresAt} by whoever manages the tenant; {@code requestedBy} asked for it
 * and is told.
 */
public record TenantExportReady(
    String tenantId, String exportId, String requestedBy, long sizeBytes, String expiresAt) {}
