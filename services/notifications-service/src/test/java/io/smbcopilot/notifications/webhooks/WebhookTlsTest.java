package io.smbcopilot.notifications.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PfxOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.http.HttpServer;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An https delivery connects to the address that was checked yet verifies the certificate against
 * the URL's host name (sent as SNI and Host): a receiver on 127.0.0.1 whose certificate names
 * {@code localhost} takes the POST to {@code https://localhost:port/}; one whose certificate names
 * another host is refused, and so is a certificate from an authority nobody trusts. Certificates
 * are made by the JDK's keytool; receivers are Vert.x https servers on loopback.
 */
class WebhookTlsTest {
  @TempDir static Path dir;

  private static Vertx vertx;
  private static HttpServer right;
  private static HttpServer wrong;
  private static Path rightCa;
  private static Path wrongCa;
  private static final AtomicReference<String> RECEIVED = new AtomicReference<>();

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    rightCa = certificate("right", "localhost");
    wrongCa = certificate("wrong", "partner.example");
    right = server("right");
    wrong = server("wrong");
  }

  @AfterAll
  static void stop() {
    right.closeAndAwait();
    wrong.closeAndAwait();
    vertx.closeAndAwait();
  }

  @Test
  void theCertificateIsVerifiedForTheUrlsHostAtTheCheckedAddress() {
    WebhookSender sender = new WebhookSender(vertx, settings(List.of(rightCa, wrongCa)));
    try {
      WebhookSender.Outcome ok = send(sender, right, "{\"n\":1}");
      assertThat(ok.error()).isNull();
      assertThat(ok.status()).isEqualTo(200);
      assertThat(ok.response()).isEqualTo("received over TLS");
      assertThat(RECEIVED.get()).isEqualTo("localhost|{\"n\":1}");

      // trusted authority, but the certificate names another host: no delivery
      RECEIVED.set(null);
      WebhookSender.Outcome misnamed = send(sender, wrong, "{\"n\":2}");
      assertThat(misnamed.status()).isNull();
      assertThat(misnamed.error()).isNotBlank();
      assertThat(RECEIVED.get()).isNull();
    } finally {
      sender.close();
    }
  }

  @Test
  void aCertificateFromAnAuthorityNotTrustedIsRefused() {
    WebhookSender sender = new WebhookSender(vertx, settings(List.of()));
    try {
      RECEIVED.set(null);
      WebhookSender.Outcome untrusted = send(sender, right, "{\"n\":3}");
      assertThat(untrusted.status()).isNull();
      assertThat(untrusted.error()).isNotBlank();
      assertThat(RECEIVED.get()).isNull();
    } finally {
      sender.close();
    }
  }

  private static WebhookSender.Outcome send(WebhookSender sender, HttpServer server, String body) {
    try {
      return sender
          .send(
              URI.create("https://localhost:" + server.actualPort() + "/hook"),
              InetAddress.getByName("127.0.0.1"),
              Map.of("webhook-id", "msg_tls"),
              body)
          .await()
          .atMost(Duration.ofSeconds(30));
    } catch (java.net.UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A self-signed certificate for the name in {@code <name>.p12}; its PEM returned. */
  private static Path certificate(String name, String host) throws Exception {
    Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
    Path store = dir.resolve(name + ".p12");
    Path pem = dir.resolve(name + ".pem");
    run(
        keytool.toString(),
        "-genkeypair",
        "-alias",
        name,
        "-keyalg",
        "EC",
        "-groupname",
        "secp256r1",
        "-dname",
        "CN=" + host,
        "-ext",
        "SAN=dns:" + host,
        "-validity",
        "2",
        "-storetype",
        "PKCS12",
        "-keystore",
        store.toString(),
        "-storepass",
        "changeit");
    run(
        keytool.toString(),
        "-exportcert",
        "-rfc",
        "-alias",
        name,
        "-keystore",
        store.toString(),
        "-storepass",
        "changeit",
        "-file",
        pem.toString());
    assertThat(Files.readString(pem)).contains("BEGIN CERTIFICATE");
    return pem;
  }

  private static void run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException(String.join(" ", command) + ": " + out);
    }
  }

  private static HttpServer server(String name) {
    return vertx
        .createHttpServer(
            new HttpServerOptions()
                .setSsl(true)
                .setHost("127.0.0.1")
                .setPort(0)
                .setKeyCertOptions(
                    new PfxOptions()
                        .setPath(dir.resolve(name + ".p12").toString())
                        .setPassword("changeit")))
        .requestHandler(
            request ->
                request
                    .body()
                    .subscribe()
                    .with(
                        body -> {
                          RECEIVED.set(request.host().split(":")[0] + "|" + body.toString());
                          request.response().setStatusCode(200).endAndForget("received over TLS");
                        }))
        .listenAndAwait();
  }

  private static WebhookSettings settings(List<Path> trust) {
    return new WebhookSettings() {
      @Override
      public Optional<List<String>> allowedHosts() {
        return Optional.of(List.of("localhost"));
      }

      @Override
      public Optional<List<Path>> trustCertificates() {
        return Optional.of(trust);
      }

      @Override
      public boolean allowHttp() {
        return false;
      }

      @Override
      public Duration rotationGrace() {
        return Duration.ofHours(24);
      }

      @Override
      public List<Duration> retrySchedule() {
        return List.of();
      }

      @Override
      public Duration timeout() {
        return Duration.ofSeconds(5);
      }

      @Override
      public int workers() {
        return 1;
      }

      @Override
      public int perEndpoint() {
        return 1;
      }

      @Override
      public Duration disableAfter() {
        return Duration.ofDays(5);
      }

      @Override
      public int maxEndpoints() {
        return 20;
      }
    };
  }
}
