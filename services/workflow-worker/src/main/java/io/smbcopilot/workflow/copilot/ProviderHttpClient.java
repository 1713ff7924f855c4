package io.smbcopilot.workflow.copilot;

import dev.langchain4j.exception.HttpException;
import dev.langchain4j.exception.TimeoutException;
import dev.langchain4j.http.client.HttpClient;
import dev.langchain4j.http.client.HttpClientBuilder;
import dev.langchain4j.http.client.HttpRequest;
import dev.langchain4j.http.client.SuccessfulHttpResponse;
import dev.langchain4j.http.client.sse.ServerSentEventListener;
import dev.langchain4j.http.client.sse.ServerSentEventListenerUtils;
import dev.langchain4j.http.client.sse.ServerSentEventParser;
import io.smbcopilot.security.RetryAfter;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicReference;

/**
 * langchain4j's HTTP client for the copilot's providers, on the Vert.x the service already runs
 * (decision 0006). It does three things the JDK client langchain4j ships cannot:
 *
 * <ul>
 *   <li>connects to the address its {@link Resolver} checked, keeping the URL's host for the Host
 *       header, TLS SNI and certificate verification, so a tenant's host that resolves again,
 *       elsewhere (DNS rebinding), cannot make the worker call into the cluster;
 *   <li>keeps a refusal's {@code Retry-After} ({@code retry-after-ms} too), in {@link Refusal};
 *   <li>lets the caller abort the call before any byte of the answer came ({@link Call}), so a
 *       client that leaves while the provider is still thinking stops the provider too.
 * </ul>
 *
 * The answer's stream is read by langchain4j's own server-sent event parser, on a virtual thread.
 */
public final class ProviderHttpClient implements HttpClient {
  /** The address to connect to for a host, or why not. */
  @FunctionalInterface
  public interface Resolver {
    InetAddress resolve(String host) throws IOException;
  }

  /** The system's resolver, for hosts the operator named (the deployment's own provider). */
  public static final Resolver SYSTEM = InetAddress::getByName;

  /** A provider's refusal (status 4xx or 5xx), with the delay it asked for. */
  public static final class Refusal extends HttpException {
    private final Duration retryAfter;

    Refusal(int status, String body, Duration retryAfter) {
      super(status, body);
      this.retryAfter = retryAfter;
    }

    public Optional<Duration> retryAfter() {
      return Optional.ofNullable(retryAfter);
    }
  }

  /**
   * One model call, abortable from its first moment: the requests made on a thread while {@link
   * #run} runs belong to it (langchain4j's streaming models send on the calling thread).
   */
  public static final class Call {
    private static final ThreadLocal<Call> CURRENT = new ThreadLocal<>();
    private final AtomicReference<Runnable> abort = new AtomicReference<>();
    private volatile boolean cancelled;

    public void run(Runnable send) {
      CURRENT.set(this);
      try {
        send.run();
      } finally {
        CURRENT.remove();
      }
    }

    /** Aborts the request, whether or not its answer started. */
    public void cancel() {
      cancelled = true;
      Runnable r = abort.getAndSet(null);
      if (r != null) {
        r.run();
      }
    }

    public boolean cancelled() {
      return cancelled;
    }

    void onCancel(Runnable r) {
      abort.set(r);
      if (cancelled) {
        cancel();
      }
    }
  }

  /** The builder langchain4j's model builders take ({@code httpClientBuilder}). */
  public static final class Builder implements HttpClientBuilder {
    private final Vertx vertx;
    private final io.vertx.core.http.HttpClient client;
    private final Resolver resolver;
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Duration readTimeout = Duration.ofSeconds(60);
    private long maxBody = 16L * 1024 * 1024;

    /**
     * @param client the Vert.x client the calls share ({@link #vertxClient}), its connections
     *     pooled by address and host
     */
    public Builder(Vertx vertx, io.vertx.core.http.HttpClient client, Resolver resolver) {
      this.vertx = vertx;
      this.client = client;
      this.resolver = resolver;
    }

    @Override
    public Duration connectTimeout() {
      return connectTimeout;
    }

    @Override
    public Builder connectTimeout(Duration timeout) {
      if (timeout != null) {
        this.connectTimeout = timeout;
      }
      return this;
    }

    @Override
    public Duration readTimeout() {
      return readTimeout;
    }

    @Override
    public Builder readTimeout(Duration timeout) {
      if (timeout != null) {
        this.readTimeout = timeout;
      }
      return this;
    }

    /** The longest whole answer read (not streamed), in bytes; a longer one fails the call. */
    public Builder maxBody(long bytes) {
      this.maxBody = bytes;
      return this;
    }

    @Override
    public ProviderHttpClient build() {
      return new ProviderHttpClient(this);
    }
  }

  /** The Vert.x client for providers: host names verified, no redirects, kept-alive connections. */
  public static io.vertx.core.http.HttpClient vertxClient(Vertx vertx) {
    return vertx.createHttpClient(
        new HttpClientOptions()
            .setVerifyHost(true)
            .setKeepAlive(true)
            .setMaxPoolSize(64)
            .setTcpNoDelay(true));
  }

  private final io.vertx.core.http.HttpClient client;
  private final Vertx vertx;
  private final Resolver resolver;
  private final Duration connectTimeout;
  private final Duration readTimeout;
  private final long maxBody;

  private ProviderHttpClient(Builder b) {
    this.vertx = b.vertx;
    this.client = b.client;
    this.resolver = b.resolver;
    this.connectTimeout = b.connectTimeout;
    this.readTimeout = b.readTimeout;
    this.maxBody = b.maxBody;
  }

  @Override
  public SuccessfulHttpResponse execute(HttpRequest request) {
    return call(request.method().name(), request.url(), request.headers(), request.body());
  }

  /**
   * One whole call by any method (langchain4j's requests know GET, POST and DELETE only), on this
   * thread: its answer, or a {@link Refusal} for a status of 400 or more.
   */
  public SuccessfulHttpResponse call(
      String method, String url, Map<String, List<String>> headers, String body) {
    CompletableFuture<SuccessfulHttpResponse> result = new CompletableFuture<>();
    send(method, url, headers, body, Call.CURRENT.get())
        .compose(
            response ->
                body(response)
                    .map(
                        answer -> {
                          if (response.statusCode() >= 400) {
                            throw refusal(response, answer);
                          }
                          return SuccessfulHttpResponse.builder()
                              .statusCode(response.statusCode())
                              .headers(headers(response.headers()))
                              .body(answer.getBytes())
                              .build();
                        }))
        .onComplete(
            ar -> {
              if (ar.succeeded()) {
                result.complete(ar.result());
              } else {
                result.completeExceptionally(ar.cause());
              }
            });
    try {
      return result.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RuntimeException(e);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new RuntimeException(e.getCause());
    }
  }

  @Override
  public void execute(
      HttpRequest request, ServerSentEventParser parser, ServerSentEventListener listener) {
    send(request, Call.CURRENT.get())
        .onFailure(e -> ServerSentEventListenerUtils.ignoringExceptions(() -> listener.onError(e)))
        .onSuccess(
            response -> {
              if (response.statusCode() >= 400) {
                body(response)
                    .onComplete(
                        body ->
                            ServerSentEventListenerUtils.ignoringExceptions(
                                () ->
                                    listener.onError(
                                        body.succeeded()
                                            ? refusal(response, body.result())
                                            : body.cause())));
                return;
              }
              SuccessfulHttpResponse opened =
                  SuccessfulHttpResponse.builder()
                      .statusCode(response.statusCode())
                      .headers(headers(response.headers()))
                      .build();
              ResponseStream stream = new ResponseStream(response);
              Thread.ofVirtual()
                  .name("copilot-provider-stream")
                  .start(
                      () -> {
                        ServerSentEventListenerUtils.ignoringExceptions(
                            () -> listener.onOpen(opened));
                        try (stream) {
                          parser.parse(stream, listener);
                          ServerSentEventListenerUtils.ignoringExceptions(listener::onClose);
                        } catch (RuntimeException e) {
                          // the parser tells read errors to the listener itself
                          ServerSentEventListenerUtils.ignoringExceptions(
                              () -> listener.onError(e));
                        }
                      });
            });
  }

  private Future<HttpClientResponse> send(HttpRequest request, Call call) {
    return send(request.method().name(), request.url(), request.headers(), request.body(), call);
  }

  private Future<HttpClientResponse> send(
      String method, String target, Map<String, List<String>> headers, String body, Call call) {
    URI url = URI.create(target);
    boolean https = "https".equalsIgnoreCase(url.getScheme());
    int port = url.getPort() > 0 ? url.getPort() : https ? 443 : 80;
    String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
    if (url.getRawQuery() != null) {
      path += "?" + url.getRawQuery();
    }
    String requestUri = path;
    return vertx
        .executeBlocking(() -> resolver.resolve(url.getHost()), false)
        .compose(
            address -> {
              if (call != null && call.cancelled()) {
                return Future.failedFuture(new IOException("the call was cancelled"));
              }
              RequestOptions options =
                  new RequestOptions()
                      .setMethod(HttpMethod.valueOf(method))
                      .setServer(SocketAddress.inetSocketAddress(port, address.getHostAddress()))
                      .setHost(url.getHost())
                      .setPort(port)
                      .setSsl(https)
                      .setURI(requestUri)
                      .setFollowRedirects(false)
                      .setConnectTimeout(connectTimeout.toMillis())
                      .setIdleTimeout(readTimeout.toMillis());
              if (headers != null) {
                headers.forEach((name, values) -> values.forEach(v -> options.addHeader(name, v)));
              }
              return client.request(options);
            })
        .compose(
            sent -> {
              if (call != null) {
                call.onCancel(() -> sent.reset());
              }
              Future<HttpClientResponse> response =
                  body == null
                      ? sent.send()
                      : sent.send(Buffer.buffer(body, StandardCharsets.UTF_8.name()));
              // Vert.x drops the body's chunks that come before a handler is set, and the caller
              // sets its handlers later: the response waits for them (they resume it). It is
              // paused by a listener of the response's own future, which runs as the head is
              // handled: a future composed from it can be told later, in a task of its own on
              // another context, after the first chunk (often in the head's packet) was dropped.
              response.onSuccess(HttpClientResponse::pause);
              return response;
            })
        .recover(
            e ->
                Future.failedFuture(
                    e instanceof io.netty.handler.timeout.TimeoutException
                            || e instanceof java.util.concurrent.TimeoutException
                        ? new TimeoutException(e)
                        : e));
  }

  /** An answer longer than the client reads. */
  public static final class TooLong extends IOException {
    TooLong(long max) {
      super("the answer is longer than " + max + " bytes");
    }
  }

  /** The whole body of a response {@link #send} paused, up to {@code maxBody} bytes. */
  private Future<Buffer> body(HttpClientResponse response) {
    io.vertx.core.Promise<Buffer> whole = io.vertx.core.Promise.promise();
    Buffer all = Buffer.buffer();
    response.handler(
        chunk -> {
          if (whole.future().isComplete()) {
            return;
          }
          if (all.length() + chunk.length() > maxBody) {
            whole.tryFail(new TooLong(maxBody));
            response.request().reset(); // the rest is not read
            return;
          }
          all.appendBuffer(chunk);
        });
    response.exceptionHandler(whole::tryFail);
    response.endHandler(v -> whole.tryComplete(all));
    response.resume();
    return whole.future();
  }

  private static Refusal refusal(HttpClientResponse response, Buffer body) {
    Duration delay = null;
    String millis = response.getHeader("retry-after-ms");
    if (millis != null) {
      try {
        delay = Duration.ofMillis(Math.max(0, (long) Double.parseDouble(millis.trim())));
      } catch (NumberFormatException ignored) {
        // then the seconds' header
      }
    }
    if (delay == null) {
      delay = RetryAfter.parse(response.getHeader("retry-after"), Instant.now()).orElse(null);
    }
    return new Refusal(response.statusCode(), body.toString(StandardCharsets.UTF_8), delay);
  }

  private static Map<String, List<String>> headers(MultiMap headers) {
    Map<String, List<String>> all = new LinkedHashMap<>();
    for (String name : headers.names()) {
      all.put(name, new ArrayList<>(headers.getAll(name)));
    }
    return all;
  }

  /**
   * The response's body as the parser reads it: chunks queue as they come (the response pauses
   * while 16 wait, on its event loop, where it is resumed too), and closing the stream aborts the
   * request (langchain4j's cancel closes it).
   */
  private static final class ResponseStream extends InputStream {
    private static final Buffer END = Buffer.buffer();
    private static final int HIGH = 16;
    private static final int LOW = 4;
    private final LinkedBlockingQueue<Object> chunks = new LinkedBlockingQueue<>();
    private final java.util.concurrent.atomic.AtomicInteger waiting =
        new java.util.concurrent.atomic.AtomicInteger();
    private final HttpClientResponse response;

    /** Where the chunks come, set by the first: the response is paused and resumed there. */
    private volatile io.vertx.core.Context context;

    private volatile boolean paused;
    private Buffer current;
    private int position;
    private volatile boolean closed;
    private volatile boolean ended;

    ResponseStream(HttpClientResponse response) {
      this.response = response;
      response.handler(
          chunk -> {
            if (context == null) {
              context = Vertx.currentContext();
            }
            chunks.add(chunk);
            if (waiting.incrementAndGet() >= HIGH && !paused) {
              paused = true;
              response.pause();
              // the reader may have drained the queue before it could see the pause
              resumeIfDrained();
            }
          });
      response.exceptionHandler(
          e -> chunks.add(e instanceof IOException io ? io : new IOException(e.getMessage(), e)));
      response.endHandler(v -> chunks.add(END));
      response.resume(); // paused by send until these handlers were set
    }

    /** On the response's event loop. */
    private void resumeIfDrained() {
      if (paused && waiting.get() < LOW) {
        paused = false;
        response.resume();
      }
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      while (current == null || position >= current.length()) {
        if (ended || closed) {
          return -1;
        }
        Object next;
        try {
          next = chunks.take();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new InterruptedIOException();
        }
        if (next instanceof IOException e) {
          throw e;
        }
        if (next == END) {
          ended = true;
          return -1;
        }
        if (waiting.decrementAndGet() < LOW && paused) {
          context.runOnContext(v -> resumeIfDrained());
        }
        current = (Buffer) next;
        position = 0;
      }
      int n = Math.min(len, current.length() - position);
      current.getBytes(position, position + n, b, off);
      position += n;
      return n;
    }

    @Override
    public void close() {
      if (!closed) {
        closed = true;
        if (!ended) {
          response.request().reset(); // the provider stops writing
        }
        chunks.add(END);
      }
    }
  }
}
