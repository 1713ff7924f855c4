package io.smbcopilot.workflow.copilot;

import java.util.List;
import java.util.UUID;

/**
 * What an answer is made of, in the order a client receives it: the passages used, the text as it
 * is produced with each citation when it is made, what it cost, and where it was kept. The JSON
 * answer is these events collected; the streamed answer is these events as server-sent events, each
 * named by {@link #name()}.
 */
public sealed interface AnswerEvent {
  String name();

  /** The passages given to the answerer, numbered from 1 as the answer cites them. */
  record Sources(List<ExtractiveAnswerer.Source> sources) implements AnswerEvent {
    @Override
    public String name() {
      return "sources";
    }
  }

  /** The next piece of the answer's text. */
  record Delta(String text) implements AnswerEvent {
    @Override
    public String name() {
      return "delta";
    }
  }

  /** A citation the text just made, checked against the sources. */
  record Cited(ExtractiveAnswerer.Citation citation) implements AnswerEvent {
    @Override
    public String name() {
      return "citation";
    }
  }

  /** Tokens the answer cost; {@code estimated} when the provider reported none. */
  record Usage(long inputTokens, long outputTokens, boolean estimated) implements AnswerEvent {
    public static final Usage NONE = new Usage(0, 0, false);

    /** Both calls' tokens: estimated when either was. */
    public Usage plus(Usage other) {
      return other == null
          ? this
          : new Usage(
              inputTokens + other.inputTokens,
              outputTokens + other.outputTokens,
              estimated || other.estimated);
    }

    @Override
    public String name() {
      return "usage";
    }
  }

  /**
   * The answer is complete and kept.
   *
   * @param removedCitations citation numbers the model wrote that were none of the passages given,
   *     removed from the answer
   * @param notice why the answerer is not the one configured (its provider failed), or null
   */
  record Done(
      UUID conversationId,
      UUID messageId,
      boolean abstained,
      String answerer,
      String answer,
      List<ExtractiveAnswerer.Citation> citations,
      int removedCitations,
      String notice)
      implements AnswerEvent {
    @Override
    public String name() {
      return "done";
    }
  }

  /**
   * The answerer's whole answer, the last thing it emits (not sent to clients: the service turns it
   * into {@link Usage} and {@link Done}).
   */
  record Answered(
      String text,
      List<ExtractiveAnswerer.Citation> citations,
      boolean abstained,
      Usage usage,
      String answerer,
      int removedCitations,
      String notice)
      implements AnswerEvent {
    Answered(
        String text,
        List<ExtractiveAnswerer.Citation> citations,
        boolean abstained,
        Usage usage,
        String answerer,
        int removedCitations) {
      this(text, citations, abstained, usage, answerer, removedCitations, null);
    }

    Answered plus(Usage more) {
      return more == null
          ? this
          : new Answered(
              text, citations, abstained, usage.plus(more), answerer, removedCitations, notice);
    }

    Answered withNotice(String notice) {
      return new Answered(text, citations, abstained, usage, answerer, removedCitations, notice);
    }

    @Override
    public String name() {
      return "answered";
    }
  }
}
