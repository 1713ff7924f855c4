package io.smbcopilot.events.identity;

import java.util.List;

/**
 * A former member's personal data is replaced by a pseudonym (issue 18): every service puts {@code
 * pseudonym} where it keeps {@code userId}, and {@code <pseudonym>@pseudonymised.invalid} where it
 * keeps one of their {@code emails}, deleting what is only theirs. Never delivered to webhooks.
 */
public record MemberPseudonymised(
    String tenantId, String userId, String pseudonym, List<String> emails, String actorId) {}
