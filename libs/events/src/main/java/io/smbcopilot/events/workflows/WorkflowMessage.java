package io.smbcopilot.events.workflows;

import java.util.Map;

/**
 * A workflow's notify step sent an event for the tenant's webhooks: {@code topic} names it for the
 * receiver, {@code data} is what the step's inputs made of it (JSON values).
 */
public record WorkflowMessage(
    String tenantId,
    String workflowId,
    String runId,
    String stepId,
    String topic,
    Map<String, Object> data) {}
