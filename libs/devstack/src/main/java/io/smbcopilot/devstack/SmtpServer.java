package io.smbcopilot.devstack;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * GreenMail as an SMTP server (and IMAP plus its REST API, so tests can read what was sent), run
 * from the greenmail-standalone jar in .copilot/dist. Accepts any sender without authentication.
 */
final class SmtpServer implements Component {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
  private final StackHome home;
  private final Path jdk;
  private int port;
  private int imapPort;
  private int apiPort;
  private Process process;

  SmtpServer(StackHome home, Path jdk, int preferredPort) {
    this.home = home;
    this.jdk = jdk;
    this.port = preferredPort;
  }

  @Override
  public String name() {
    return Names.SMTP;
  }

  Path log() {
    return home.logs().resolve("smtp.log");
  }

  @Override
  public synchronized void start() throws Exception {
    if (running()) {
      return;
    }
    Path jar = home.dist().resolve("greenmail").resolve("greenmail-standalone.jar");
    if (!Files.exists(jar)) {
      throw new IOException("GreenMail is missing at " + jar + ": build libs/devstack-dist once");
    }
    port = Net.reuseOrFree(port);
    imapPort = Net.freePort();
    apiPort = Net.freePort();
    process =
        Processes.spawn(
            List.of(
                jdk.resolve("bin").resolve("java").toString(),
                "-Xmx128m",
                "-Dgreenmail.smtp.hostname=" + Net.LOOPBACK,
                "-Dgreenmail.smtp.port=" + port,
                "-Dgreenmail.imap.hostname=" + Net.LOOPBACK,
                "-Dgreenmail.imap.port=" + imapPort,
                "-Dgreenmail.api.hostname=" + Net.LOOPBACK,
                "-Dgreenmail.api.port=" + apiPort,
                "-Dgreenmail.auth.disabled",
                "-jar",
                jar.toString()),
            Map.of(),
            home.dir(),
            log());
    HttpClient http = HttpClient.newHttpClient();
    Processes.await(
        "smtp",
        START_TIMEOUT,
        log(),
        () -> {
          if (!process.isAlive() || !Net.accepts(port)) {
            return !process.isAlive();
          }
          try {
            return http.send(
                        HttpRequest.newBuilder(
                                URI.create(
                                    "http://"
                                        + Net.LOOPBACK
                                        + ":"
                                        + apiPort
                                        + "/api/service/readiness"))
                            .timeout(Duration.ofSeconds(2))
                            .build(),
                        HttpResponse.BodyHandlers.discarding())
                    .statusCode()
                == 200;
          } catch (IOException e) {
            return false;
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
          }
        });
    if (!process.isAlive()) {
      throw new IOException("smtp exited with " + process.exitValue() + Processes.tail(log()));
    }
  }

  @Override
  public synchronized void stop() {
    if (process != null) {
      Processes.stopTree(process.toHandle(), Duration.ofSeconds(10));
      process = null;
    }
  }

  @Override
  public boolean running() {
    return process != null && process.isAlive() && Net.accepts(port);
  }

  @Override
  public Map<String, String> describe() {
    Map<String, String> info = new LinkedHashMap<>();
    info.put("port", String.valueOf(port));
    info.put("imap-port", String.valueOf(imapPort));
    info.put("api-url", "http://" + Net.LOOPBACK + ":" + apiPort);
    info.put("pid", String.valueOf(process == null ? -1 : process.pid()));
    info.put("log", log().toString());
    return info;
  }
}
