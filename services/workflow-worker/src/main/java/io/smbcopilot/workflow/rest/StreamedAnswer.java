package io.smbcopilot.workflow.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.mutiny.Multi;
import io.smbcopilot.problem.Heartbeats;
import io.smbcopilot.problem.Problem;
import io.smbcopilot.problem.ProblemException;
import io.smbcopilot.problem.ProblemMappers;
import io.smbcopilot.problem.ProblemType;
import io.smbcopilot.workflow.copilot.AnswerEvent;
import jakarta.enterprise.context.ApplicationScoped;
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

  private final Duration heartbeat;
  private final ObjectMapper json;

  public StreamedAnswer(
      @ConfigProperty(name = "copilot.ask.heartbeat-interval", defaultValue = "15s")
          Duration heartbeat,
      ObjectMapper json) {
    this.heartbeat = heartbeat;
    this.json = json;
  }

  /**
   * An event whose data is the value as JSON. Written as text here: an event given a media type is
   * sent with a {@code content-type:} line of RESTEasy's own, which is no field of the SSE format.
   */
  private OutboundSseEvent event(Sse sse, String name, Object data) {
    try {
      return sse.newEventBuilder()
          .name(name)
          .data(String.class, json.writeValueAsString(data))
          .build();
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("an answer's event cannot be written as JSON", e);
    }
  }

  public Multi<OutboundSseEvent> events(Sse sse, Multi<AnswerEvent> answer) {
    Multi<OutboundSseEvent> events =
        answer
            .filter(e -> !(e instanceof AnswerEvent.Answered))
            .map(e -> event(sse, e.name(), e))
            .onFailure()
            .recoverWithItem(e -> error(sse, e));
    return Heartbeats.merge(
        events, heartbeat, () -> sse.newEventBuilder().comment("heartbeat").build());
  }

  private OutboundSseEvent error(Sse sse, Throwable failure) {
    ProblemType type;
    String detail;
    if (failure instanceof ProblemException p) {
      type = p.type();
      detail = p.getMessage();
    } else if (ProblemMappers.unavailable(failure)) {
      LOG.warnf("a streamed answer stopped: a service it needs is away (%s)", failure.toString());
      type = ProblemType.SERVICE_UNAVAILABLE;
      detail = "A service the answer needs cannot be reached; ask again";
    } else {
      LOG.errorf(failure, "a streamed answer failed");
      type = ProblemType.INTERNAL;
      detail = "The answer could not be completed; ask again";
    }
    Problem problem =
        new Problem(type.uri(), type.title(), type.status(), detail, null, null, List.of());
    return event(sse, "error", problem);
  }
}
