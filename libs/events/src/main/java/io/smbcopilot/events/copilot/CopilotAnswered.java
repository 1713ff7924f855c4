package io.smbcopilot.events.copilot;

/**
 * The copilot answered a question ({@code answerer}: extractive, openai or anthropic; tokens as the
 * provider reported them, or estimated).
 */
public record CopilotAnswered(
    String tenantId,
    String userId,
    String conversationId,
    String messageId,
    String answerer,
    String model,
    boolean abstained,
    int citations,
    long inputTokens,
    long outputTokens,
    boolean estimated,
    long latencyMs) {}
