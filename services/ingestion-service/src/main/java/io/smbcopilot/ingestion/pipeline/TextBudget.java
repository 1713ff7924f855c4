package io.smbcopilot.ingestion.pipeline;

/**
 * How much text one document may yield and until when it may be read: every reader (Tika's handler,
 * the PDF and the presentation readers) spends its characters here, so no input can hold a worker
 * for long.
 */
final class TextBudget {
  private final long maxChars;
  private final long deadlineNanos;
  private long chars;

  /**
   * @param maxChars the most characters of text a document may have
   * @param deadlineNanos {@link System#nanoTime()} after which reading stops
   */
  TextBudget(long maxChars, long deadlineNanos) {
    this.maxChars = maxChars;
    this.deadlineNanos = deadlineNanos;
  }

  /** Counts {@code n} more characters; past the limit or the deadline the document fails. */
  void spend(int n) throws DocumentParser.LimitException {
    chars += n;
    if (chars > maxChars) {
      throw DocumentParser.LimitException.tooLong(maxChars);
    }
    checkDeadline();
  }

  void checkDeadline() throws DocumentParser.LimitException {
    if (System.nanoTime() > deadlineNanos) {
      throw DocumentParser.LimitException.tooSlow();
    }
  }
}
