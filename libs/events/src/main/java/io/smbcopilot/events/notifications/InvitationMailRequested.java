package io.smbcopilot.events.notifications;

/**
 * Someone was invited to a tenant: the notifications service mails them the acceptance link. The
 * invitation's token travels sealed ({@code sealedToken}: {@code libs/security}'s SecretCipher with
 * the deployment's encryption key and the tenant's id), never in clear, and the event stays on the
 * internal notifications topic (partners' webhooks never carry it).
 */
public record InvitationMailRequested(
    String tenantId,
    String invitationId,
    String email,
    String role,
    String invitedBy,
    String expiresAt,
    String sealedToken) {}
