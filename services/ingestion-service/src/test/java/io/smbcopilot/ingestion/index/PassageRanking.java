package io.smbcopilot.ingestion.index;

import io.smbcopilot.ingestion.HeldOut;
import io.smbcopilot.ingestion.pipeline.Chunker;
import io.smbcopilot.ingestion.pipeline.ContainerGuard;
import io.smbcopilot.ingestion.pipeline.DocumentParser;
import io.smbcopilot.ingestion.pipeline.ParsedDocument;
import io.smbcopilot.ingestion.service.SearchService;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

/**
 * Passage ranking on the held-out question set ({@link HeldOut}): its documents go through the
 * service's own parser, chunker and index; each question is searched the way the search endpoint
 * does (vector, keyword, and hybrid: both fused), and the rank of the passage that answers it gives
 * passage-level recall@1 and MRR (over the top 10). The right file is not enough: the copilot cites
 * the passage ranked first.
 */
final class PassageRanking {
  static final int K = 10;

  /** How a chunk becomes the text the model embeds. */
  record Variant(String name, Function<Chunker.Chunk, String> embedded) {}

  /** The figures of one variant and search mode. */
  record Score(double recallAt1, double mrr, double fileAt1, List<String> misses) {}

  private PassageRanking() {}

  /** Indexes the held-out documents as the variant says and scores every mode on the questions. */
  static Map<String, Score> measure(
      Path dir, Variant variant, Function<List<String>, List<float[]>> embed) throws Exception {
    DocumentParser parser = new DocumentParser(ContainerGuard.Limits.DEFAULT);
    UUID tenant = UUID.randomUUID();
    UUID collection = UUID.randomUUID();
    Map<String, UUID> ids = new java.util.HashMap<>();
    try (Chunker chunker = new Chunker(256, 32);
        LuceneChunkIndex index = new LuceneChunkIndex(dir, 100)) {
      for (HeldOut.Doc doc : HeldOut.DOCS) {
        Path file = dir.resolveSibling(doc.file());
        Files.writeString(file, doc.markdown(), StandardCharsets.UTF_8);
        ParsedDocument parsed =
            parser.parse(
                file, "text/x-web-markdown", 4_000_000, System.nanoTime() + 60_000_000_000L);
        List<Chunker.Chunk> chunks = chunker.chunk(parsed);
        List<float[]> vectors = embed.apply(chunks.stream().map(variant.embedded()).toList());
        UUID id = UUID.randomUUID();
        ids.put(doc.file(), id);
        List<ChunkIndex.Entry> entries = new ArrayList<>();
        for (int i = 0; i < chunks.size(); i++) {
          Chunker.Chunk c = chunks.get(i);
          entries.add(
              new ChunkIndex.Entry(
                  tenant,
                  collection,
                  id,
                  c.seq(),
                  List.of(),
                  c.text(),
                  c.location(),
                  vectors.get(i)));
        }
        index.upsert(entries);
      }
      ChunkIndex.Filter filter =
          new ChunkIndex.Filter(tenant, Set.of(collection), Set.of(), Set.of());
      Map<String, List<List<ChunkIndex.Hit>>> byMode = new java.util.LinkedHashMap<>();
      for (String mode : List.of("vector", "keyword", "hybrid")) {
        byMode.put(mode, new ArrayList<>());
      }
      List<float[]> questions =
          embed.apply(HeldOut.QUESTIONS.stream().map(HeldOut.Question::text).toList());
      for (int q = 0; q < HeldOut.QUESTIONS.size(); q++) {
        String text = HeldOut.QUESTIONS.get(q).text();
        List<ChunkIndex.Hit> vector = index.vector(questions.get(q), filter, 30);
        List<ChunkIndex.Hit> keyword = index.keyword(text, filter, 30);
        byMode.get("vector").add(vector.subList(0, Math.min(K, vector.size())));
        byMode.get("keyword").add(keyword.subList(0, Math.min(K, keyword.size())));
        byMode.get("hybrid").add(SearchService.fuse(vector, keyword, K));
      }
      Map<String, Score> scores = new java.util.LinkedHashMap<>();
      byMode.forEach((mode, results) -> scores.put(mode, score(results, ids)));
      return scores;
    }
  }

  static Score score(List<List<ChunkIndex.Hit>> results, Map<String, UUID> ids) {
    double first = 0;
    double reciprocal = 0;
    double file = 0;
    List<String> misses = new ArrayList<>();
    for (int q = 0; q < results.size(); q++) {
      HeldOut.Question question = HeldOut.QUESTIONS.get(q);
      UUID doc = ids.get(question.file());
      List<ChunkIndex.Hit> hits = results.get(q);
      int rank = 0;
      for (int i = 0; i < hits.size(); i++) {
        ChunkIndex.Hit h = hits.get(i);
        if (h.documentId().equals(doc) && normalise(h.text()).contains(question.snippet())) {
          rank = i + 1;
          break;
        }
      }
      if (!hits.isEmpty() && hits.get(0).documentId().equals(doc)) {
        file++;
      }
      if (rank == 1) {
        first++;
      } else {
        misses.add(question.text() + " (rank " + (rank == 0 ? ">" + K : rank) + ")");
      }
      if (rank > 0) {
        reciprocal += 1.0 / rank;
      }
    }
    int n = results.size();
    return new Score(first / n, reciprocal / n, file / n, misses);
  }

  private static String normalise(String text) {
    return text.replaceAll("\\s+", " ");
  }

  static String line(String variant, String mode, Score s) {
    return String.format(
        Locale.ROOT,
        "  %-34s %-8s %9.3f %7.3f %9.3f%n",
        variant,
        mode,
        s.recallAt1(),
        s.mrr(),
        s.fileAt1());
  }
}
