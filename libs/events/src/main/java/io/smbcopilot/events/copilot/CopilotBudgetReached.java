package io.smbcopilot.events.copilot;

/**
 * A tenant's copilot tokens this month crossed a share of its plan's budget ({@code percent}: 80 or
 * 100; at 100 model answers are refused until the month ends).
 */
public record CopilotBudgetReached(
    String tenantId, String month, int percent, long usedTokens, long budgetTokens) {}
