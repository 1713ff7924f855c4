package io.smbcopilot.notifications.webhooks;

import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.net.TrustOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.core.http.HttpClient;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * Sends one signed delivery: a POST to the address that was checked (never a second lookup of the
 * name between the check and the connection), with the URL's host as the {@code Host} header and
 * the TLS server name; redirects are not followed; the answer's first 4 KB are kept (the rest is
 * read and dropped); an answer that takes longer than the timeout is no answer.
 */
@ApplicationScoped
public class WebhookSender {
  /** Bytes of an answer kept for the delivery log. */
  public static final int KEPT = 4096;

  /** What came back: the status and the answer's start, or why nothing came. */
  public record Outcome(Integer status, String retryAfter, String response, String error) {
    public boolean success() {
      return status != null && status >= 200 && status < 300;
    }
  }

  private final HttpClient client;
  private final WebhookSettings settings;

  public WebhookSender(Vertx vertx, WebhookSettings settings) {
    this.settings = settings;
    HttpClientOptions options =
        new HttpClientOptions()
            .setConnectTimeout((int) settings.timeout().toMillis())
            .setForceSni(true)
            .setVerifyHost(true)
            .setMaxPoolSize(64)
            .setKeepAlive(true);
    settings
        .trustCertificates()
        .filter(paths -> !paths.isEmpty())
        .ifPresent(paths -> options.setTrustOptions(TrustOptions.wrap(trust(paths))));
    this.client = vertx.createHttpClient(options);
  }

  /** The JVM's certificate authorities and those of the PEM files. */
  static TrustManagerFactory trust(List<Path> pems) {
    try {
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      TrustManagerFactory jvm =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      jvm.init((KeyStore) null);
      int n = 0;
      for (TrustManager tm : jvm.getTrustManagers()) {
        if (tm instanceof X509TrustManager x509) {
          for (X509Certificate ca : x509.getAcceptedIssuers()) {
            store.setCertificateEntry("jvm-" + n++, ca);
          }
        }
      }
      CertificateFactory x509 = CertificateFactory.getInstance("X.509");
      for (Path pem : pems) {
        try (InputStream in = Files.newInputStream(pem)) {
          for (Certificate ca : x509.generateCertificates(in)) {
            store.setCertificateEntry("extra-" + n++, ca);
          }
        }
      }
      TrustManagerFactory all =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      all.init(store);
      return all;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException(
          "copilot.webhooks.trust-certificates cannot be read: " + e.getMessage(), e);
    }
  }

  @PreDestroy
  void close() {
    client.closeAndAwait();
  }

  public Uni<Outcome> send(URI url, InetAddress address, Map<String, String> headers, String body) {
    boolean https = "https".equalsIgnoreCase(url.getScheme());
    int port = url.getPort() > 0 ? url.getPort() : https ? 443 : 80;
    String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
    if (url.getRawQuery() != null) {
      path += "?" + url.getRawQuery();
    }
    RequestOptions options =
        new RequestOptions()
            .setMethod(HttpMethod.POST)
            .setServer(SocketAddress.inetSocketAddress(port, address.getHostAddress()))
            .setHost(url.getHost())
            .setPort(port)
            .setSsl(https)
            .setURI(path)
            .setFollowRedirects(false)
            .setTimeout(settings.timeout().toMillis());
    headers.forEach(options::putHeader);
    options.putHeader("Content-Type", "application/json");
    options.putHeader("User-Agent", "SMB-Copilot-Webhooks/1");
    return client
        .request(options)
        .chain(request -> request.send(Buffer.buffer(body, "UTF-8")))
        .chain(
            response ->
                response
                    .toMulti()
                    .collect()
                    .in(
                        () -> new java.io.ByteArrayOutputStream(KEPT),
                        (kept, chunk) -> {
                          int room = KEPT - kept.size();
                          if (room > 0) {
                            byte[] bytes = chunk.getBytes();
                            kept.write(bytes, 0, Math.min(room, bytes.length));
                          }
                        })
                    .map(
                        kept ->
                            new Outcome(
                                response.statusCode(),
                                response.getHeader("Retry-After"),
                                kept.toString(StandardCharsets.UTF_8),
                                null)))
        .ifNoItem()
        .after(settings.timeout().plusSeconds(1))
        .failWith(() -> new java.util.concurrent.TimeoutException("no answer in time"))
        .onFailure()
        .recoverWithItem(
            e ->
                new Outcome(
                    null,
                    null,
                    null,
                    e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
  }
}
