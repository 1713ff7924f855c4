package io.smbcopilot.ingestion.index;

import io.smbcopilot.ingestion.pipeline.Chunker;
import io.smbcopilot.ingestion.pipeline.Embedder;
import io.smbcopilot.ingestion.pipeline.Location;
import io.smbcopilot.ingestion.service.SearchService;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded index at 100,000 chunks: search latency (p50/p95) of vector, keyword and hybrid
 * queries, and recall@10 of the HNSW search against exact search over the same vectors. The vectors
 * are all-MiniLM-L6-v2 embeddings of 2,000 generated sentences and, for the rest, those embeddings
 * with small random noise (embedding 100,000 chunks would take about an hour here). Not a test: run
 * with {@code -Pbench}; writes target/index-benchmark.txt.
 */
@Tag("bench")
class IndexBenchmark {
  static final int CHUNKS = 100_000;
  static final int SEEDS = 2_000;
  static final int QUERIES = 200;
  static final int K = 10;
  static final String[] SUBJECTS = {
    "the bakery", "the delivery van", "the espresso machine", "the night shift", "our supplier",
    "the oven", "the cash register", "the cleaning crew", "the wedding order", "the apprentice"
  };
  static final String[] VERBS = {
    "needs", "receives", "checks", "replaces", "orders", "cleans", "schedules", "repairs"
  };
  static final String[] OBJECTS = {
    "fresh flour", "a new filter", "the weekly rota", "twelve trays of rolls", "the safety manual",
    "spare parts", "the invoice", "oat milk", "the alarm code", "gluten-free labels"
  };
  static final String[] WHEN = {
    "every Monday", "before opening", "after closing", "in March", "twice a week", "on holidays"
  };

  @TempDir Path dir;

  static String sentence(Random r, int i) {
    return SUBJECTS[r.nextInt(SUBJECTS.length)]
        + " "
        + VERBS[r.nextInt(VERBS.length)]
        + " "
        + OBJECTS[r.nextInt(OBJECTS.length)]
        + " "
        + WHEN[r.nextInt(WHEN.length)]
        + " (note "
        + i
        + ").";
  }

  @Test
  void searchAtOneHundredThousandChunks() throws Exception {
    Random random = new Random(7);
    Embedder embedder =
        new Embedder(new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
    List<String> seeds = new ArrayList<>();
    for (int i = 0; i < SEEDS + QUERIES; i++) {
      seeds.add(sentence(random, i));
    }
    long t0 = System.nanoTime();
    List<float[]> seedVectors = new ArrayList<>();
    for (int i = 0; i < seeds.size(); i += 64) {
      seedVectors.addAll(embedder.embed(seeds.subList(i, Math.min(i + 64, seeds.size()))));
    }
    double embedSeconds = (System.nanoTime() - t0) / 1e9;

    UUID tenant = UUID.randomUUID();
    UUID collection = UUID.randomUUID();
    float[][] vectors = new float[CHUNKS][];
    long t1 = System.nanoTime();
    try (LuceneChunkIndex index = new LuceneChunkIndex(dir.resolve("index"), 100)) {
      List<ChunkIndex.Entry> batch = new ArrayList<>();
      for (int i = 0; i < CHUNKS; i++) {
        int seed = i % SEEDS;
        float[] v = seedVectors.get(seed).clone();
        if (i >= SEEDS) {
          for (int d = 0; d < v.length; d++) {
            v[d] += (float) (random.nextGaussian() * 0.02);
          }
        }
        vectors[i] = LuceneChunkIndex.unit(v);
        batch.add(
            new ChunkIndex.Entry(
                tenant,
                collection,
                new UUID(0, i / 50),
                i % 50,
                List.of(),
                seeds.get(seed) + " Variant " + i + ".",
                new Location(1 + i % 20, null, List.of()),
                vectors[i]));
        if (batch.size() == 5_000) {
          index.upsert(batch);
          batch.clear();
        }
      }
      index.upsert(batch);
      double indexSeconds = (System.nanoTime() - t1) / 1e9;
      ChunkIndex.Filter filter =
          new ChunkIndex.Filter(tenant, Set.of(collection), Set.of(), Set.of());

      // warm up
      for (int q = 0; q < 50; q++) {
        index.vector(seedVectors.get(SEEDS + q % QUERIES), filter, K);
        index.keyword(seeds.get(SEEDS + q % QUERIES), filter, K);
      }
      long[] vectorNs = new long[QUERIES];
      long[] keywordNs = new long[QUERIES];
      long[] hybridNs = new long[QUERIES];
      double recall = 0;
      for (int q = 0; q < QUERIES; q++) {
        float[] query = seedVectors.get(SEEDS + q);
        String text = seeds.get(SEEDS + q);
        long s = System.nanoTime();
        List<ChunkIndex.Hit> approx = index.vector(query, filter, K);
        vectorNs[q] = System.nanoTime() - s;
        s = System.nanoTime();
        index.keyword(text, filter, K);
        keywordNs[q] = System.nanoTime() - s;
        s = System.nanoTime();
        SearchService.fuse(index.vector(query, filter, 30), index.keyword(text, filter, 30), K);
        hybridNs[q] = System.nanoTime() - s;
        Set<Integer> exact = exact(vectors, LuceneChunkIndex.unit(query), K);
        Set<Integer> found = new HashSet<>();
        for (ChunkIndex.Hit h : approx) {
          found.add((int) (h.documentId().getLeastSignificantBits() * 50 + h.seq()));
        }
        found.retainAll(exact);
        recall += found.size() / (double) K;
      }
      recall /= QUERIES;
      long[] query = new long[QUERIES];
      for (int q = 0; q < QUERIES; q++) {
        long s = System.nanoTime();
        embedder.embed(seeds.get(SEEDS + q));
        query[q] = System.nanoTime() - s;
      }
      StringBuilder out = new StringBuilder();
      out.append(
          String.format(
              Locale.ROOT,
              "index benchmark: %,d chunks (384 dimensions) in the embedded Lucene index (HNSW, %d candidates)%n",
              CHUNKS,
              100));
      out.append(
          String.format(
              Locale.ROOT,
              "  embedding %d seed sentences: %.1f s; indexing %,d chunks: %.1f s%n",
              seeds.size(),
              embedSeconds,
              CHUNKS,
              indexSeconds));
      out.append(
          String.format(
              Locale.ROOT, "  %d queries, k=%d            p50 ms   p95 ms%n", QUERIES, K));
      out.append(line("vector (HNSW)", vectorNs));
      out.append(line("keyword (BM25)", keywordNs));
      out.append(line("hybrid (both + RRF)", hybridNs));
      out.append(line("embedding the query", query));
      out.append(
          String.format(
              Locale.ROOT,
              "  recall@%d of vector search against exact search: %.3f (target 0.95)%n",
              K,
              recall));
      System.out.print(out);
      Files.writeString(Path.of("target", "index-benchmark.txt"), out.toString());
    }
  }

  /**
   * Passage ranking on the held-out question set: recall@1 and MRR of the passage that answers each
   * question, for each way of building the text the model embeds and each search mode.
   */
  @Test
  void passageRankingOnTheHeldOutSet() throws Exception {
    Embedder embedder =
        new Embedder(new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
    List<PassageRanking.Variant> variants =
        List.of(
            new PassageRanking.Variant("the chunk's text", Chunker.Chunk::text),
            new PassageRanking.Variant("headings, then the chunk's text", Chunker.Chunk::embedded));
    StringBuilder out = new StringBuilder();
    out.append(
        String.format(
            Locale.ROOT,
            "passage ranking: %d held-out questions over %d documents (all-MiniLM-L6-v2)%n",
            io.smbcopilot.ingestion.HeldOut.QUESTIONS.size(),
            io.smbcopilot.ingestion.HeldOut.DOCS.size()));
    out.append(
        String.format(
            Locale.ROOT,
            "  %-34s %-8s %9s %7s %9s%n",
            "model embeds",
            "search",
            "recall@1",
            "MRR",
            "file@1"));
    List<String> misses = new ArrayList<>();
    int v = 0;
    for (PassageRanking.Variant variant : variants) {
      Path where = dir.resolve("variant-" + v++).resolve("index");
      Files.createDirectories(where.getParent());
      for (var e : PassageRanking.measure(where, variant, embedder::embed).entrySet()) {
        out.append(PassageRanking.line(variant.name(), e.getKey(), e.getValue()));
        if (e.getKey().equals("hybrid")) {
          for (String miss : e.getValue().misses()) {
            misses.add(variant.name() + ": " + miss);
          }
        }
      }
    }
    out.append("  hybrid misses (the answering passage not first):\n");
    for (String miss : misses) {
      out.append("    ").append(miss).append('\n');
    }
    System.out.print(out);
    Files.writeString(Path.of("target", "passage-ranking.txt"), out.toString());
  }

  /**
   * The model as it ships and its 8-bit quantized version, side by side in one run: chunks/s of
   * each (batches of 32 texts of about 200 tokens, as the service embeds them, rounds alternating)
   * and their passage ranking on the held-out set.
   */
  @Test
  void bothModelsSideBySide() throws Exception {
    List<String> names = List.of(Embedder.FULL, Embedder.QUANTIZED);
    List<Embedder> models = new ArrayList<>();
    for (String name : names) {
      models.add(
          new Embedder(new io.micrometer.core.instrument.simple.SimpleMeterRegistry(), name));
    }
    Random random = new Random(11);
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < 320; i++) {
      StringBuilder t = new StringBuilder();
      for (int s = 0; s < 9; s++) {
        t.append(sentence(random, i * 10 + s)).append(' ');
      }
      texts.add(t.toString());
    }
    for (Embedder model : models) {
      model.embed(texts.subList(0, 64));
    }
    int rounds = 5;
    double[][] perSecond = new double[models.size()][rounds];
    for (int r = 0; r < rounds; r++) {
      for (int m = 0; m < models.size(); m++) {
        int which = (m + r) % models.size();
        long start = System.nanoTime();
        for (int i = 0; i < texts.size(); i += 32) {
          models.get(which).embed(texts.subList(i, Math.min(i + 32, texts.size())));
        }
        perSecond[which][r] = texts.size() / ((System.nanoTime() - start) / 1e9);
      }
    }
    StringBuilder out = new StringBuilder();
    out.append(
        String.format(
            Locale.ROOT,
            "embedding models side by side: %d texts of about 200 tokens in batches of 32, %d"
                + " rounds alternating; passage ranking on the %d held-out questions (the model"
                + " embeds headings and text)%n",
            texts.size(),
            rounds,
            io.smbcopilot.ingestion.HeldOut.QUESTIONS.size()));
    out.append(
        String.format(
            Locale.ROOT,
            "  %-22s %12s %12s %10s %8s %10s %8s%n",
            "model",
            "chunks/s",
            "(low-high)",
            "vector@1",
            "MRR",
            "hybrid@1",
            "MRR"));
    int v = 0;
    for (int m = 0; m < models.size(); m++) {
      double[] sorted = perSecond[m].clone();
      Arrays.sort(sorted);
      Path where = dir.resolve("model-" + v++).resolve("index");
      Files.createDirectories(where.getParent());
      var scores =
          PassageRanking.measure(
              where,
              new PassageRanking.Variant("headings", Chunker.Chunk::embedded),
              models.get(m)::embed);
      out.append(
          String.format(
              Locale.ROOT,
              "  %-22s %12.1f %5.1f-%-6.1f %10.3f %8.3f %10.3f %8.3f%n",
              names.get(m),
              sorted[rounds / 2],
              sorted[0],
              sorted[rounds - 1],
              scores.get("vector").recallAt1(),
              scores.get("vector").mrr(),
              scores.get("hybrid").recallAt1(),
              scores.get("hybrid").mrr()));
    }
    System.out.print(out);
    Files.writeString(Path.of("target", "embedding-models.txt"), out.toString());
  }

  static String line(String name, long[] ns) {
    long[] sorted = ns.clone();
    Arrays.sort(sorted);
    return String.format(
        Locale.ROOT,
        "  %-26s %7.2f  %7.2f%n",
        name,
        sorted[sorted.length / 2] / 1e6,
        sorted[(int) (sorted.length * 0.95)] / 1e6);
  }

  /** The k nearest by dot product over every vector (the vectors are unit length). */
  static Set<Integer> exact(float[][] vectors, float[] query, int k) {
    int[] best = new int[k];
    float[] scores = new float[k];
    Arrays.fill(scores, Float.NEGATIVE_INFINITY);
    for (int i = 0; i < vectors.length; i++) {
      float dot = 0;
      float[] v = vectors[i];
      for (int d = 0; d < v.length; d++) {
        dot += v[d] * query[d];
      }
      if (dot > scores[k - 1]) {
        int j = k - 1;
        while (j > 0 && scores[j - 1] < dot) {
          scores[j] = scores[j - 1];
          best[j] = best[j - 1];
          j--;
        }
        scores[j] = dot;
        best[j] = i;
      }
    }
    Set<Integer> set = new HashSet<>();
    for (int i : best) {
      set.add(i);
    }
    return set;
  }
}
