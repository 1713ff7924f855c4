package io.smbcopilot.events.workflows;

/**
 * A workflow run started ({@code trigger}: manual, schedule, event or webhook; {@code version}: the
 * workflow's version it runs).
 */
public record RunStarted(
    String tenantId,
    String workflowId,
    String runId,
    int version,
    String trigger,
    String startedBy) {}
