package io.smbcopilot.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Lines printed to the captured stream reach the log one by one, and nothing else prints. */
class StandardErrorLogTest {
  private final ByteArrayOutputStream original = new ByteArrayOutputStream();
  private final PrintStream originalStream =
      new PrintStream(original, true, StandardCharsets.UTF_8);

  @Test
  void everyLineBecomesOneRecordAndNothingIsPrinted() {
    List<String> records = new ArrayList<>();
    PrintStream err = StandardErrorLog.captured(originalStream, records::add);

    // What the Vert.x SQL client does with a dropped connection's exception (no stack trace).
    new io.vertx.core.VertxException("FATAL: terminating connection (57P01)", true)
        .printStackTrace(err);
    err.print("half a line, ");
    err.println("then its end");
    err.println();
    err.println("ünïcode\r");

    assertThat(records)
        .containsExactly(
            "io.vertx.core.VertxException: FATAL: terminating connection (57P01)",
            "half a line, then its end",
            "ünïcode");
    assertThat(original.size()).isZero();
  }

  @Test
  void aStackTraceIsOneRecordPerLine() {
    List<String> records = new ArrayList<>();
    PrintStream err = StandardErrorLog.captured(originalStream, records::add);
    new IllegalStateException("broken").printStackTrace(err);
    assertThat(records.get(0)).isEqualTo("java.lang.IllegalStateException: broken");
    assertThat(records).hasSizeGreaterThan(1);
    assertThat(records.subList(1, records.size())).allMatch(l -> l.startsWith("\tat "));
  }

  @Test
  void aVeryLongLineIsCutNotHeld() {
    List<String> records = new ArrayList<>();
    PrintStream err = StandardErrorLog.captured(originalStream, records::add);
    err.print("x".repeat(StandardErrorLog.MAX_LINE * 2 + 10));
    assertThat(records).hasSize(2).allMatch(l -> l.length() == StandardErrorLog.MAX_LINE);
  }

  @Test
  void whatTheSinkItselfPrintsGoesToTheOriginalStream() {
    List<String> records = new ArrayList<>();
    PrintStream[] err = new PrintStream[1];
    err[0] =
        StandardErrorLog.captured(
            originalStream,
            line -> {
              records.add(line);
              err[0].println("handler: " + line); // a log handler writing to stderr
            });
    err[0].println("once");
    assertThat(records).containsExactly("once");
    assertThat(original.toString(StandardCharsets.UTF_8)).isEqualTo("handler: once\n");
  }
}
