package io.smbcopilot.events.identity;

/**
 * A tenant's erasure came due (its owner asked, the grace period passed): every service erases all
 * it holds of the tenant, and applies none of its events any more.
 */
public record TenantErased(String tenantId) {}
