package io.smbcopilot.events;

/** A record that is not a valid platform CloudEvent: retrying cannot fix it. */
public class InvalidEventException extends RuntimeException {
  public InvalidEventException(String message) {
    super(message);
  }

  public InvalidEventException(String message, Throwable cause) {
    super(message, cause);
  }
}
