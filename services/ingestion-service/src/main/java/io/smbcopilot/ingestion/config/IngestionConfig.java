package io.smbcopilot.ingestion.config;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/** Uploads and storage ({@code copilot.ingestion.*}). */
@ConfigMapping(prefix = "copilot.ingestion")
public interface IngestionConfig {
  /** Largest file accepted. */
  @WithDefault("50M")
  MemorySize maxUploadSize();

  /** Size of the pieces an original is stored in. */
  @WithDefault("1M")
  MemorySize blobChunkSize();

  /** Media types accepted, as detected from the content. */
  @WithDefault(
      "application/pdf,"
          + "application/vnd.openxmlformats-officedocument.wordprocessingml.document,"
          + "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,"
          + "application/vnd.openxmlformats-officedocument.presentationml.presentation,"
          + "application/vnd.oasis.opendocument.text,text/html,application/xhtml+xml,"
          + "text/markdown,text/x-web-markdown,text/plain,text/csv,message/rfc822,"
          + "application/epub+zip,application/rtf")
  Set<String> acceptedTypes();

  /** Worker threads that parse, chunk, embed and index documents (the bounded pool). */
  @WithDefault("2")
  int workers();

  /**
   * The embedding model: {@code all-minilm-l6-v2} (32-bit weights) or {@code all-minilm-l6-v2-q}
   * (the same model with 8-bit weights: about twice as fast, slightly worse hybrid ranking;
   * decision 0005). The index records the model that built it; changing this needs {@code
   * index.rebuild}.
   */
  @WithDefault("all-minilm-l6-v2")
  String model();

  /** Chunk size in the embedding model's word pieces. */
  @WithDefault("256")
  int chunkTokens();

  /** Word pieces a chunk repeats from the end of the one before it. */
  @WithDefault("32")
  int chunkOverlap();

  /** Chunks embedded and indexed together (progress is saved after each batch). */
  @WithDefault("32")
  int embedBatch();

  /** Most characters of text one document may have; beyond it the document fails. */
  @WithDefault("4000000")
  long maxTextChars();

  /** Longest time reading one document may take. */
  @WithDefault("120s")
  Duration parseTimeout();

  /**
   * How long a worker's claim on a document lasts without progress before another may resume it.
   */
  @WithDefault("30s")
  Duration lease();

  /** Attempts before a document that keeps stopping its worker is marked failed. */
  @WithDefault("3")
  int maxAttempts();

  /**
   * Pause before a document whose processing failed (the database or the index was away) is tried
   * again; doubled after each further failure, up to 16 times this.
   */
  @WithDefault("30s")
  Duration retryBackoff();

  /** Longest time one attempt at a document may take before it counts as failed. */
  @WithDefault("1h")
  Duration attemptTimeout();

  /** How often idle workers look for documents the events did not announce to them. */
  @WithDefault("2s")
  Duration pollInterval();

  /**
   * How far a ZIP container (DOCX, XLSX, PPTX, ODT, EPUB) may unpack before it is refused, checked
   * before any parser opens it.
   */
  Unpacking unpacking();

  interface Unpacking {
    /** Most bytes one part of the container may unpack to. */
    @WithDefault("32M")
    MemorySize maxPartSize();

    /** Most bytes all its parts together may unpack to, nested containers included. */
    @WithDefault("256M")
    MemorySize maxTotalSize();

    /** Most times its packed size a part larger than 1 MiB may unpack to. */
    @WithDefault("100")
    int maxRatio();

    /** Most containers nested in one another. */
    @WithDefault("3")
    int maxDepth();
  }

  /** Where the index lives. */
  Index index();

  interface Index {
    /** Directory of the embedded Lucene index (when no Qdrant host is set). */
    @WithDefault("data/index")
    String path();

    /** Neighbours the HNSW search collects before the best are kept (recall against speed). */
    @WithDefault("100")
    int candidates();

    /** Candidates considered while inserting into the HNSW graph (build cost against recall). */
    @WithDefault("50")
    int beamWidth();

    /**
     * When the index was built by another model than {@code model}: empty it at start and embed
     * every document again with {@code model} (from its saved chunks, without parsing it again).
     * Without it such a service stays not ready and says so. Also at start: an empty index while
     * documents are indexed (lost, or restored without it) gets every such document embedded again;
     * without it the service logs what is missing. Nothing happens when the models match and the
     * index has vectors, so it may stay on.
     */
    @WithDefault("false")
    boolean rebuild();
  }

  /** Qdrant, used instead of the embedded index when a host is set. */
  Qdrant qdrant();

  interface Qdrant {
    Optional<String> host();

    @WithDefault("6334")
    int port();

    @WithDefault("false")
    boolean tls();

    /** Sent as the api-key header when set. */
    Optional<String> apiKey();

    @WithDefault("copilot_chunks")
    String collection();
  }
}
