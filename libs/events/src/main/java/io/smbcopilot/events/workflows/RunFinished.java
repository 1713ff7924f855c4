package io.smbcopilot.events.workflows;

/** A workflow run ended ({@code outcome}: succeeded, failed or cancelled). */
public record RunFinished(
    String tenantId, String workflowId, String runId, String outcome, String startedBy) {}
