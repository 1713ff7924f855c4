package io.smbcopilot.auth.service;

import io.smbcopilot.security.TenantContext;

/**
 * Who made a change, for the audit log and the events.
 *
 * @param id user id, API key id or service name
 * @param type {@code user}, {@code api-key}, {@code service} or {@code anonymous}
 */
public record Actor(String id, String type, String ip, String requestId) {
  public static Actor of(TenantContext context) {
    return new Actor(
        context.subject(),
        context.principalType().claim(),
        context.clientIp(),
        context.requestId());
  }
}
