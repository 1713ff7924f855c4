package io.smbcopilot.problem;

import static org.assertj.core.api.Assertions.assertThat;

import io.smallrye.mutiny.Multi;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Heartbeats come while a stream is slow, and stop with it. */
class HeartbeatsTest {
  @Test
  void heartbeatsFillTheSilencesAndEndWithTheAnswer() {
    Multi<String> slow =
        Multi.createFrom()
            .ticks()
            .every(Duration.ofMillis(300))
            .select()
            .first(3)
            .map(i -> "event " + i);
    List<String> sent =
        Heartbeats.merge(slow, Duration.ofMillis(100), () -> "heartbeat")
            .collect()
            .asList()
            .await()
            .atMost(Duration.ofSeconds(10));
    assertThat(sent)
        .filteredOn(s -> s.startsWith("event"))
        .containsExactly("event 0", "event 1", "event 2");
    assertThat(sent).filteredOn("heartbeat"::equals).hasSizeGreaterThanOrEqualTo(4);
    // the stream ends with the answer (a tick racing its end may slip in just before)
    assertThat(sent.subList(sent.indexOf("event 2") + 1, sent.size()))
        .hasSizeLessThanOrEqualTo(1)
        .allMatch("heartbeat"::equals);

    // a quick answer gets none
    assertThat(
            Heartbeats.merge(
                    Multi.createFrom().items("a", "b"), Duration.ofSeconds(15), () -> "heartbeat")
                .collect()
                .asList()
                .await()
                .atMost(Duration.ofSeconds(5)))
        .containsExactly("a", "b");
  }
}
