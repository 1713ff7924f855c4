package io.smbcopilot.health;

import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

/**
 * What a library prints to stderr by itself becomes log records, one per line (logger {@code
 * stderr}, WARN), when the console log is JSON: a log collector then reads nothing but JSON. The
 * Vert.x SQL client, for one, prints a dropped connection's exception when the connection has no
 * handler, and Hibernate Reactive's sessions set none; PostgreSQL restarting under a busy service
 * printed such lines between the JSON records.
 */
@ApplicationScoped
public class StandardErrorLog {
  static final Logger LOG = Logger.getLogger("stderr");

  /** Longest line kept in one record; a longer one is cut into several. */
  static final int MAX_LINE = 16 * 1024;

  void capture(@Observes @Priority(1) StartupEvent start) {
    boolean json =
        ConfigProvider.getConfig()
            .getOptionalValue("quarkus.log.console.json.enabled", Boolean.class)
            .orElse(false);
    if (json && !(System.err instanceof Captured)) {
      System.setErr(captured(System.err, line -> LOG.warn(line)));
    }
  }

  /**
   * A stream whose every line goes to {@code sink}. A line written while the sink itself is writing
   * on the same thread (a log handler that prints to stderr) goes to {@code original} instead, so
   * nothing loops.
   */
  static PrintStream captured(PrintStream original, Consumer<String> sink) {
    return new Captured(new Lines(original, sink));
  }

  private static final class Captured extends PrintStream {
    Captured(Lines lines) {
      super(lines, true, StandardCharsets.UTF_8);
    }
  }

  static final class Lines extends OutputStream {
    private static final ThreadLocal<Boolean> SINKING = ThreadLocal.withInitial(() -> false);
    private final PrintStream original;
    private final Consumer<String> sink;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();

    Lines(PrintStream original, Consumer<String> sink) {
      this.original = original;
      this.sink = sink;
    }

    @Override
    public void write(int b) {
      if (SINKING.get()) {
        original.write(b);
        return;
      }
      synchronized (this) {
        if (b == '\n') {
          emit();
        } else {
          line.write(b);
          if (line.size() >= MAX_LINE) {
            emit();
          }
        }
      }
    }

    @Override
    public void write(byte[] bytes, int offset, int length) {
      for (int i = offset; i < offset + length; i++) {
        write(bytes[i]);
      }
    }

    private void emit() {
      String text = line.toString(StandardCharsets.UTF_8).stripTrailing();
      line.reset();
      if (text.isBlank()) {
        return;
      }
      SINKING.set(true);
      try {
        sink.accept(text);
      } finally {
        SINKING.set(false);
      }
    }
  }
}
