package io.smbcopilot.ingestion.pipeline;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/**
 * all-MiniLM-L6-v2 in process (ONNX Runtime; the model ships in its jar): 384 dimensions, unit
 * length. Loaded on first use, once.
 */
@ApplicationScoped
public class Embedder {
  public static final int DIMENSIONS = 384;
  public static final String MODEL = "all-MiniLM-L6-v2";

  private final Object lock = new Object();
  private volatile AllMiniLmL6V2EmbeddingModel model;

  private AllMiniLmL6V2EmbeddingModel model() {
    AllMiniLmL6V2EmbeddingModel m = model;
    if (m == null) {
      synchronized (this) {
        if (model == null) {
          model = new AllMiniLmL6V2EmbeddingModel();
        }
        m = model;
      }
    }
    return m;
  }

  /**
   * One vector per text, in order; the batch is embedded in parallel on the model's threads. One
   * batch at a time: the model already uses every core, and two batches at once (two pipeline
   * workers) only add thread switches. Workers parse, chunk and index while another embeds.
   */
  public List<float[]> embed(List<String> texts) {
    AllMiniLmL6V2EmbeddingModel m = model();
    List<Embedding> embeddings;
    synchronized (lock) {
      embeddings = m.embedAll(texts.stream().map(TextSegment::from).toList()).content();
    }
    return embeddings.stream().map(Embedding::vector).toList();
  }

  /** A search query: not queued behind the pipeline's batches. */
  public float[] embed(String text) {
    return model().embed(text).content().vector();
  }
}
