package io.smbcopilot.events.identity;

/**
 * A tenant's retention settings changed: what is older than so many days is deleted (null: kept).
 * Each service deletes its own: conversations and run histories (workflow-worker), notifications
 * and deliveries (notifications-service), the audit log (auth-service).
 */
public record RetentionChanged(
    String tenantId,
    Integer conversationsDays,
    Integer runsDays,
    Integer notificationsDays,
    Integer deliveriesDays,
    Integer auditLogDays,
    String actorId) {}
