package io.smbcopilot.events.identity;

import java.util.List;

/** A tenant's custom role was created, changed or deleted ({@code change}). */
public record RoleChanged(
    String tenantId, String role, List<String> permissions, String change, String actorId) {}
