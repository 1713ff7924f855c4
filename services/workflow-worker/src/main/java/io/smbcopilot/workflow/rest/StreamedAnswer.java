package io.smbcopilot.workflow.rest;

import io.smallrye.mutiny.Multi;
import io.smbcopilot.problem.Problem;
import io.smbcopilot.problem.ProblemException;
import io.smbcopilot.problem.ProblemType;
import io.smbcopilot.workflow.copilot.AnswerEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import java.time.Duration;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * An answer's events as server-sent events: each event named as the answer's part it carries, its
 * data JSON; a heartbeat comment while nothing else is sent, so proxies on the way keep the stream
 * open; a failure after the stream started as an {@code error} event holding an RFC 9457 problem.
 * When the client goes away, the subscription is cancelled, and with it the answerer's work.
 */
@ApplicationScoped
public class StreamedAnswer {
  private static final Logger LOG = Logger.getLogger(StreamedAnswer.class);

  /** Marks the end of the answer's events among the heartbeats; never sent. */
  private static final OutboundSseEvent END = new EndMarker();

  private final Duration heartbeat;

  public StreamedAnswer(
      @ConfigProperty(name = "copilot.ask.heartbeat-interval", defaultValue = "15s")
          Duration heartbeat) {
    this.heartbeat = heartbeat;
  }

  public Multi<OutboundSseEvent> events(Sse sse, Multi<AnswerEvent> answer) {
    Multi<OutboundSseEvent> events =
        answer
            .filter(e -> !(e instanceof AnswerEvent.Answered))
            .map(
                e ->
                    sse.newEventBuilder()
                        .name(e.name())
                        .mediaType(MediaType.APPLICATION_JSON_TYPE)
                        .data(e)
                        .build())
            .onFailure()
            .recoverWithItem(e -> error(sse, e))
            .onCompletion()
            .continueWith(END);
    Multi<OutboundSseEvent> heartbeats =
        Multi.createFrom()
            .ticks()
            .startingAfter(heartbeat)
            .every(heartbeat)
            .map(tick -> sse.newEventBuilder().comment("heartbeat").build());
    // Merged, until the answer's end: the ticks stop with it.
    return Multi.createBy().merging().streams(events, heartbeats).select().first(e -> e != END);
  }

  private static OutboundSseEvent error(Sse sse, Throwable failure) {
    ProblemType type;
    String detail;
    if (failure instanceof ProblemException p) {
      type = p.type();
      detail = p.getMessage();
    } else {
      LOG.errorf(failure, "a streamed answer failed");
      type = ProblemType.INTERNAL;
      detail = "The answer could not be completed; ask again";
    }
    Problem problem =
        new Problem(type.uri(), type.title(), type.status(), detail, null, null, List.of());
    return sse.newEventBuilder()
        .name("error")
        .mediaType(MediaType.APPLICATION_JSON_TYPE)
        .data(problem)
        .build();
  }

  /** Only compared by identity. */
  private static final class EndMarker implements OutboundSseEvent {
    @Override
    public Class<?> getType() {
      return Object.class;
    }

    @Override
    public java.lang.reflect.Type getGenericType() {
      return Object.class;
    }

    @Override
    public MediaType getMediaType() {
      return MediaType.TEXT_PLAIN_TYPE;
    }

    @Override
    public Object getData() {
      return null;
    }

    @Override
    public String getId() {
      return null;
    }

    @Override
    public String getName() {
      return null;
    }

    @Override
    public String getComment() {
      return null;
    }

    @Override
    public long getReconnectDelay() {
      return -1;
    }

    @Override
    public boolean isReconnectDelaySet() {
      return false;
    }
  }
}
