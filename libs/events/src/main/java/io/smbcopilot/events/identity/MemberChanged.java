package io.smbcopilot.events.identity;

/** A membership was added, its role changed, or it was removed ({@code change}). */
public record MemberChanged(
    String tenantId, String userId, String email, String role, String change, String actorId) {}
