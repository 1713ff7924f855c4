package io.smbcopilot.events.notifications;

/** Someone (a service) asks the notifications service to tell a user something. */
public record NotificationRequested(
    String tenantId, String userId, String kind, String title, String body, String link) {}
