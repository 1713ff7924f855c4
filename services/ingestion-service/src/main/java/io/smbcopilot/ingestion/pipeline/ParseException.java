package io.smbcopilot.ingestion.pipeline;

/** A document that cannot be indexed; the message is the reason the API shows. */
public class ParseException extends Exception {
  public ParseException(String reason) {
    super(reason);
  }

  public ParseException(String reason, Throwable cause) {
    super(reason, cause);
  }
}
