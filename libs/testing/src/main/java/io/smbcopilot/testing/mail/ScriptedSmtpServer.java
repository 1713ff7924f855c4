package io.smbcopilot.testing.mail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * An SMTP server on loopback that answers each recipient as the test scripts it (RFC 5321 replies:
 * a 4xx "try again later", a 5xx "never"), for the failures a real server cannot be told to
 * produce. It speaks the plain dialogue a client needs (EHLO, MAIL, RCPT, DATA, RSET, NOOP, QUIT;
 * no pipelining, no TLS) and keeps the mails it accepted.
 */
public final class ScriptedSmtpServer implements AutoCloseable {
  /** A mail it accepted: its recipients and its raw message. */
  public record Accepted(List<String> recipients, String data) {}

  private final ServerSocket socket;
  private final ExecutorService threads = Executors.newCachedThreadPool();
  private final Map<String, AtomicInteger> tries = new ConcurrentHashMap<>();
  private final List<Accepted> accepted = new CopyOnWriteArrayList<>();
  private final Function<Attempt, String> script;

  /** A recipient's attempt: the address and how many times it was asked for before (0 first). */
  public record Attempt(String recipient, int before) {}

  /**
   * @param script the reply to a recipient's attempt, e.g. {@code "451 4.3.0 try later"} or {@code
   *     "550 5.1.1 no such user"}; {@code null} accepts it ({@code 250})
   */
  public ScriptedSmtpServer(Function<Attempt, String> script) throws IOException {
    this.script = script;
    this.socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    threads.execute(this::acceptLoop);
  }

  public int port() {
    return socket.getLocalPort();
  }

  /** How many times this recipient was asked for. */
  public int attempts(String recipient) {
    AtomicInteger n = tries.get(recipient.toLowerCase(Locale.ROOT));
    return n == null ? 0 : n.get();
  }

  public List<Accepted> accepted() {
    return List.copyOf(accepted);
  }

  private void acceptLoop() {
    while (!socket.isClosed()) {
      try {
        Socket client = socket.accept();
        threads.execute(() -> serve(client));
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serve(Socket client) {
    try (client;
        BufferedReader in =
            new BufferedReader(
                new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8));
        OutputStream out = client.getOutputStream()) {
      client.setSoTimeout(30_000);
      reply(out, "220 scripted.test ESMTP");
      List<String> recipients = new CopyOnWriteArrayList<>();
      String line;
      while ((line = in.readLine()) != null) {
        String upper = line.toUpperCase(Locale.ROOT);
        if (upper.startsWith("EHLO")) {
          reply(out, "250-scripted.test\r\n250 8BITMIME");
        } else if (upper.startsWith("HELO")) {
          reply(out, "250 scripted.test");
        } else if (upper.startsWith("MAIL FROM")) {
          recipients.clear();
          reply(out, "250 2.1.0 ok");
        } else if (upper.startsWith("RCPT TO")) {
          String to = address(line);
          int before = tries.computeIfAbsent(to, k -> new AtomicInteger()).getAndIncrement();
          String answer = script.apply(new Attempt(to, before));
          if (answer == null) {
            recipients.add(to);
            reply(out, "250 2.1.5 ok");
          } else {
            reply(out, answer);
          }
        } else if (upper.equals("DATA")) {
          if (recipients.isEmpty()) {
            reply(out, "554 5.5.1 no valid recipients");
            continue;
          }
          reply(out, "354 end with <CRLF>.<CRLF>");
          StringBuilder data = new StringBuilder();
          String l;
          while ((l = in.readLine()) != null && !l.equals(".")) {
            data.append(l.startsWith("..") ? l.substring(1) : l).append("\r\n");
          }
          accepted.add(new Accepted(List.copyOf(recipients), data.toString()));
          reply(out, "250 2.0.0 queued");
        } else if (upper.equals("RSET")) {
          recipients.clear();
          reply(out, "250 2.0.0 ok");
        } else if (upper.equals("NOOP")) {
          reply(out, "250 2.0.0 ok");
        } else if (upper.equals("QUIT")) {
          reply(out, "221 2.0.0 bye");
          return;
        } else {
          reply(out, "502 5.5.2 not implemented");
        }
      }
    } catch (IOException e) {
      // the client went away
    }
  }

  private static String address(String line) {
    int open = line.indexOf('<');
    int close = line.indexOf('>', open + 1);
    String raw = open >= 0 && close > open ? line.substring(open + 1, close) : line.substring(8);
    return raw.trim().toLowerCase(Locale.ROOT);
  }

  private static void reply(OutputStream out, String text) throws IOException {
    out.write((text + "\r\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  @Override
  public void close() throws IOException {
    socket.close();
    threads.shutdownNow();
  }
}
