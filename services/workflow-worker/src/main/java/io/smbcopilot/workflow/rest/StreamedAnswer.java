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
import java.util.function.Supplier;
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
            .recoverWithItem(e -> error(sse, e));
    return withHeartbeats(
        events, heartbeat, () -> sse.newEventBuilder().comment("heartbeat").build());
  }

  /**
   * The events with a heartbeat merged in each {@code every} while they last; the heartbeats stop
   * when the events end.
   */
  @SuppressWarnings("unchecked")
  static <T> Multi<T> withHeartbeats(Multi<T> events, Duration every, Supplier<T> heartbeat) {
    Object end = new Object(); // marks the events' end among the heartbeats; never emitted
    Multi<Object> marked = events.map(e -> (Object) e).onCompletion().continueWith(end);
    Multi<Object> beats =
        Multi.createFrom().ticks().startingAfter(every).every(every).map(tick -> heartbeat.get());
    return Multi.createBy()
        .merging()
        .streams(marked, beats)
        .select()
        .first(e -> e != end)
        .map(e -> (T) e);
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
}
