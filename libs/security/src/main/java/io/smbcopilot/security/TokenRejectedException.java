package io.smbcopilot.security;

/** A bearer token that is not accepted; the message says why (never the token). */
public class TokenRejectedException extends Exception {
  public TokenRejectedException(String message) {
    super(message);
  }

  public TokenRejectedException(String message, Throwable cause) {
    super(message, cause);
  }
}
