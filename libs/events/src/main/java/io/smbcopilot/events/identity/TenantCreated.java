package io.smbcopilot.events.identity;

/** A business signed up: its tenant and owner exist. */
public record TenantCreated(
    String tenantId, String name, String ownerUserId, String ownerEmail, String ownerDisplayName) {}
