package io.smbcopilot.gateway.proxy;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;

/**
 * The client's request body as it arrives, passed on chunk by chunk (with back-pressure), failing
 * once it exceeds the route's limit: a chunked upload cannot get past the limit either.
 */
final class LimitedStream implements ReadStream<Buffer> {
  static final class TooLarge extends RuntimeException {
    TooLarge() {
      super("request body too large", null, false, false);
    }
  }

  private final ReadStream<Buffer> source;
  private final long limit;
  private long seen;
  private Handler<Throwable> exceptionHandler;
  private boolean failed;

  LimitedStream(ReadStream<Buffer> source, long limit) {
    this.source = source;
    this.limit = limit;
  }

  boolean exceeded() {
    return failed;
  }

  @Override
  public ReadStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
    this.exceptionHandler = handler;
    source.exceptionHandler(handler);
    return this;
  }

  @Override
  public ReadStream<Buffer> handler(Handler<Buffer> handler) {
    if (handler == null) {
      source.handler(null);
      return this;
    }
    source.handler(
        chunk -> {
          if (failed) {
            return;
          }
          seen += chunk.length();
          if (seen > limit) {
            failed = true;
            source.pause();
            if (exceptionHandler != null) {
              exceptionHandler.handle(new TooLarge());
            }
            return;
          }
          handler.handle(chunk);
        });
    return this;
  }

  @Override
  public ReadStream<Buffer> pause() {
    source.pause();
    return this;
  }

  @Override
  public ReadStream<Buffer> resume() {
    if (!failed) {
      source.resume();
    }
    return this;
  }

  @Override
  public ReadStream<Buffer> fetch(long amount) {
    if (!failed) {
      source.fetch(amount);
    }
    return this;
  }

  @Override
  public ReadStream<Buffer> endHandler(Handler<Void> endHandler) {
    source.endHandler(endHandler);
    return this;
  }
}
