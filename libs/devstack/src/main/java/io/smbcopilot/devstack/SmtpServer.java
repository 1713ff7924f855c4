package io.smbcopilot.devstack;

import java.io.IOException;
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
  private final ChildProcess process;

  SmtpServer(StackHome home, Path jdk, int preferredPort) {
    this.home = home;
    this.jdk = jdk;
    this.port = preferredPort;
    this.process = new ChildProcess(Names.SMTP, log(), Duration.ofSeconds(10));
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
    process.spawn(
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
        home.dir());
    String readiness = "http://" + Net.LOOPBACK + ":" + apiPort + "/api/service/readiness";
    process.awaitReady(START_TIMEOUT, () -> Net.accepts(port) && Net.httpOk(readiness));
  }

  @Override
  public synchronized void stop() {
    process.stop();
  }

  @Override
  public boolean running() {
    return process.alive() && Net.accepts(port);
  }

  @Override
  public Map<String, String> describe() {
    Map<String, String> info = new LinkedHashMap<>();
    info.put("port", String.valueOf(port));
    info.put("imap-port", String.valueOf(imapPort));
    info.put("api-url", "http://" + Net.LOOPBACK + ":" + apiPort);
    info.put("pid", String.valueOf(process.pid()));
    info.put("log", log().toString());
    return info;
  }
}
