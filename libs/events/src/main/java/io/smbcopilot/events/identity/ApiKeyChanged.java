package io.smbcopilot.events.identity;

import java.util.List;

/** An API key was created or revoked ({@code change}). */
public record ApiKeyChanged(
    String tenantId,
    String keyId,
    String prefix,
    List<String> scopes,
    String change,
    String actorId) {}
