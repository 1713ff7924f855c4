package io.smbcopilot.security;

import io.quarkus.security.identity.request.BaseAuthenticationRequest;

/** The gateway's internal token, as it came in {@code Authorization: Bearer}, to be verified. */
public final class InternalTokenRequest extends BaseAuthenticationRequest {
  private final String token;

  public InternalTokenRequest(String token) {
    this.token = token;
  }

  public String token() {
    return token;
  }
}
