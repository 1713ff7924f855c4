package io.smbcopilot.ingestion.pipeline;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.langchain4j.model.embedding.onnx.AbstractInProcessEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.OnnxBertBiEncoder;
import dev.langchain4j.model.embedding.onnx.PoolingMode;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.smbcopilot.ingestion.config.IngestionConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * all-MiniLM-L6-v2 in process (ONNX Runtime; the model ships in its jar), with 32-bit or 8-bit
 * weights ({@code copilot.ingestion.model}): 384 dimensions, unit length. Loaded on first use,
 * once.
 *
 * <p>Each text runs on one ONNX Runtime thread and the texts of a batch run side by side, one per
 * core. That is about 40% faster here than the library's default (every inference spread over all
 * cores, two at a time), and suffers less when other work takes a core: threads of one inference no
 * longer wait for each other.
 */
@ApplicationScoped
public class Embedder {
  public static final int DIMENSIONS = 384;

  /** The model as it ships, in 32-bit floats. */
  public static final String FULL = "all-minilm-l6-v2";

  /** The same model with its weights quantized to 8-bit integers (langchain4j's "-q" jar). */
  public static final String QUANTIZED = "all-minilm-l6-v2-q";

  private final Object lock = new Object();
  private final Timer modelTime;
  private final String name;
  private volatile Model model;

  /** The model {@code copilot.ingestion.model} names. */
  @jakarta.inject.Inject
  public Embedder(MeterRegistry registry, IngestionConfig config) {
    this(registry, config.model());
  }

  /** The full model. */
  public Embedder(MeterRegistry registry) {
    this(registry, FULL);
  }

  /**
   * @param name {@link #FULL} or {@link #QUANTIZED}
   */
  public Embedder(MeterRegistry registry, String name) {
    if (!FULL.equals(name) && !QUANTIZED.equals(name)) {
      throw new IllegalArgumentException(
          "copilot.ingestion.model is "
              + name
              + ", which is not a model this service ships: "
              + FULL
              + " or "
              + QUANTIZED);
    }
    this.modelTime = registry.timer("copilot.ingestion.model.time");
    this.name = name;
  }

  /** Which model this is ({@link #FULL} or {@link #QUANTIZED}). */
  public String name() {
    return name;
  }

  /** The model as the service runs it: one ONNX thread per inference, one inference per core. */
  public static final class Model extends AbstractInProcessEmbeddingModel {
    private final OnnxBertBiEncoder encoder;
    private final ExecutorService executor;

    private Model(ExecutorService executor, OnnxBertBiEncoder encoder) {
      super(executor);
      this.executor = executor;
      this.encoder = encoder;
    }

    /** The model's threads, one per core: every inference runs on one of them. */
    ExecutorService threads() {
      return executor;
    }

    @Override
    protected OnnxBertBiEncoder model() {
      return encoder;
    }

    @Override
    protected Integer knownDimension() {
      return DIMENSIONS;
    }

    public static Model load(int threads) {
      return load(threads, FULL);
    }

    /** The named model ({@link #FULL} or {@link #QUANTIZED}), from its jar. */
    public static Model load(int threads, String name) {
      ClassLoader loader = Embedder.class.getClassLoader();
      try (InputStream onnx = resource(loader, name + ".onnx");
          InputStream tokenizer = resource(loader, name + "-tokenizer.json")) {
        OrtEnvironment environment = OrtEnvironment.getEnvironment();
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        options.setIntraOpNumThreads(1);
        options.setInterOpNumThreads(1);
        OrtSession session = environment.createSession(onnx.readAllBytes(), options);
        AtomicInteger n = new AtomicInteger();
        ExecutorService executor =
            Executors.newFixedThreadPool(
                threads,
                r -> {
                  Thread t = new Thread(r, "embedding-" + n.incrementAndGet());
                  t.setDaemon(true);
                  return t;
                });
        return new Model(
            executor, new OnnxBertBiEncoder(environment, session, tokenizer, PoolingMode.MEAN));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (OrtException e) {
        throw new IllegalStateException("cannot load " + name, e);
      }
    }

    private static InputStream resource(ClassLoader loader, String name) {
      return Objects.requireNonNull(
          loader.getResourceAsStream(name), name + " is not on the class path");
    }
  }

  private Model model() {
    Model m = model;
    if (m == null) {
      synchronized (this) {
        if (model == null) {
          model = Model.load(Runtime.getRuntime().availableProcessors(), name);
        }
        m = model;
      }
    }
    return m;
  }

  /**
   * One vector per text, in order; the batch's texts are embedded side by side on the model's
   * threads. Batches queue one behind the other: a batch is queued whole, and the next only once
   * every text of this one has started. So a batch is never slowed by another's texts (letting two
   * batches' texts mix measured about 10% slower end to end here), and a model thread that finishes
   * the last texts of a batch early starts on the next batch instead of waiting for the batch's
   * slowest text. Workers parse, chunk and index while their batch waits.
   */
  public List<float[]> embed(List<String> texts) {
    Model m = model();
    Timer.Sample sample = Timer.start();
    CountDownLatch started = new CountDownLatch(texts.size());
    List<CompletableFuture<float[]>> vectors = new ArrayList<>(texts.size());
    synchronized (lock) {
      for (String text : texts) {
        vectors.add(
            CompletableFuture.supplyAsync(
                () -> {
                  started.countDown();
                  return m.embed(text).content().vector();
                },
                m.threads()));
      }
      awaitUninterruptibly(started);
    }
    try {
      List<float[]> out = vectors.stream().map(CompletableFuture::join).toList();
      sample.stop(modelTime);
      return out;
    } catch (CompletionException e) {
      if (e.getCause() instanceof Error error) {
        throw error;
      }
      throw e.getCause() instanceof RuntimeException r ? r : e;
    }
  }

  private static void awaitUninterruptibly(CountDownLatch latch) {
    boolean interrupted = false;
    while (true) {
      try {
        latch.await();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /** A search query: not queued behind the pipeline's batches. */
  public float[] embed(String text) {
    return model().embed(text).content().vector();
  }

  /** A search's texts (its highlights' sentences), in one call: not queued either. */
  public List<float[]> embedNow(List<String> texts) {
    if (texts.isEmpty()) {
      return List.of();
    }
    return model()
        .embedAll(texts.stream().map(dev.langchain4j.data.segment.TextSegment::from).toList())
        .content()
        .stream()
        .map(dev.langchain4j.data.embedding.Embedding::vector)
        .toList();
  }
}
