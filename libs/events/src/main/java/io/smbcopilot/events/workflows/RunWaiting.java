package io.smbcopilot.events.workflows;

import java.util.List;

/**
 * A workflow run waits for a decision on its approval step ({@code approvers}: the users who may
 * decide; {@code expiresAt}: when its timeout takes over, ISO-8601).
 */
public record RunWaiting(
    String tenantId,
    String workflowId,
    String runId,
    String stepId,
    String title,
    List<String> approvers,
    String expiresAt) {}
