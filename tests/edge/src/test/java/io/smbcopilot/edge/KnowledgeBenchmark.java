package io.smbcopilot.edge;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.AbstractInProcessEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.OnnxBertBiEncoder;
import dev.langchain4j.model.embedding.onnx.PoolingMode;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import io.smbcopilot.ingestion.HeldOut;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Ingestion, measured side by side in one run on the packaged services:
 *
 * <ol>
 *   <li>raw batched embedding throughput of all-MiniLM-L6-v2 (chunks/s, batches of 32, in this JVM,
 *       on the very chunk texts the service made), next to the service's end-to-end ingestion
 *       throughput (upload through the gateway until every document is indexed);
 *   <li>the service's resident memory (VmRSS) before and after ingesting 10,000 documents;
 *   <li>passage ranking (recall@1, MRR) on the held-out question set through the gateway.
 * </ol>
 *
 * Not a test: {@code ./mvnw -B verify -pl tests/edge -Pbench -Dedge.bench=KnowledgeBenchmark};
 * writes target/knowledge-benchmark.txt. With {@code -Dbench.baseline=<an older checkout, built>}
 * that platform runs beside this one; with {@code -Dknowledge.models=both} this checkout runs
 * twice, on two stacks, embedding with the full and with the quantized model.
 */
@Tag("bench")
class KnowledgeBenchmark {
  static final int THROUGHPUT_DOCUMENTS = 40;
  static final int PARAGRAPHS = 25;

  /** -Dknowledge.documents=0 skips the memory part. */
  static final int MEMORY_DOCUMENTS = Integer.getInteger("knowledge.documents", 10_000);

  static final int BATCH = 32;

  static final String SELF = "this benchmark's JVM";

  /** Rounds that warm the service up, printed but not counted (-Dknowledge.warmup). */
  static final int WARM_UP = Integer.getInteger("knowledge.warmup", 2);

  /** Rounds measured after them (-Dknowledge.rounds). */
  static final int ROUNDS = Integer.getInteger("knowledge.rounds", 5);

  static final String[] WORDS = {
    "flour", "oven", "delivery", "customer", "invoice", "shift", "recipe", "supplier", "order",
    "cleaning", "butter", "manager", "schedule", "holiday", "price", "counter", "apron", "bread"
  };

  final StringBuilder report = new StringBuilder();

  void print(String format, Object... args) {
    String line = String.format(Locale.ROOT, format, args);
    System.out.print(line);
    report.append(line);
  }

  static String paragraph(int doc, int p) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < 11; i++) {
      s.append("In document ")
          .append(doc)
          .append(" part ")
          .append(p)
          .append(" the ")
          .append(WORDS[(doc * 7 + p * 3 + i) % WORDS.length])
          .append(" team checks the ")
          .append(WORDS[(doc + p + i * 5) % WORDS.length])
          .append(" list. ");
    }
    return s.toString();
  }

  /**
   * One platform measured: this checkout's, or with {@code -Dbench.baseline=<an older checkout,
   * built>} also that one's, on a stack of its own.
   */
  record Platform(
      String label,
      String model,
      Models models,
      Edge edge,
      Edge.User owner,
      long pid,
      List<Round> rounds) {}

  /** The platform's model in this JVM: the library's threading, and the service's. */
  record Models(
      AbstractInProcessEmbeddingModel library, AbstractInProcessEmbeddingModel asTheService) {}

  /** The two models the service ships (copilot.ingestion.model). */
  static final String FULL = "all-minilm-l6-v2";

  static final String QUANTIZED = "all-minilm-l6-v2-q";

  static Platform platform(String label, String model, Edge edge) throws Exception {
    Edge.User owner = edge.signup("Ingestion Bench");
    edge.plan(owner.tenantId(), "unlimited");
    long pid = Long.parseLong(edge.stack.status().get("app.ingestion-service.pid"));
    // The model in this JVM, both ways, loaded and warmed before anything is measured.
    AbstractInProcessEmbeddingModel library =
        FULL.equals(model)
            ? new AllMiniLmL6V2EmbeddingModel()
            : new dev.langchain4j.model.embedding.onnx.allminilml6v2q
                .AllMiniLmL6V2QuantizedEmbeddingModel();
    AbstractInProcessEmbeddingModel asTheService = asTheServiceRunsIt(model);
    List<TextSegment> warm = new ArrayList<>();
    for (int p = 0; p < 64; p++) {
      warm.add(TextSegment.from(paragraph(1_000_000, p)));
    }
    library.embedAll(warm);
    asTheService.embedAll(warm);
    return new Platform(
        label, model, new Models(library, asTheService), edge, owner, pid, new ArrayList<>());
  }

  @Test
  void ingestionThroughputAndMemory() throws Exception {
    List<Platform> platforms = new ArrayList<>();
    Edge self = Edge.get();
    platforms.add(platform("this checkout", FULL, self));
    String baseline = System.getProperty("bench.baseline", "");
    if ("both".equals(System.getProperty("knowledge.models", ""))) {
      // This checkout again on a stack of its own, embedding with the quantized model.
      platforms.add(
          platform(
              "this checkout, quantized",
              QUANTIZED,
              Edge.of(
                  self.stack.home().project(),
                  "bench-q",
                  Map.of("COPILOT_INGESTION_MODEL", QUANTIZED))));
    } else if (!baseline.isBlank()) {
      platforms.add(platform("baseline " + baseline, FULL, Edge.of(Path.of(baseline))));
    }

    // Rounds, each on new documents: the service end to end, then the model on the same chunk
    // texts. The first rounds meet a service that has not run its code yet (class loading, the
    // JIT compiling Lucene's, Tika's and the drivers' code as each path gets hot); the figure is
    // the median of the rounds after them. With a baseline, the platforms take turns round by
    // round (which goes first alternates), so a slower minute of the machine meets both.
    for (int r = 0; r < WARM_UP; r++) {
      for (Platform p : inTurn(platforms, r)) {
        p.rounds().add(round(p, r));
      }
    }
    // The memory part between them: ten more minutes of ingestion, after which the JIT has
    // compiled what a long-running service runs (it still compiled 2-3 CPU-seconds per round
    // after two rounds alone).
    Map<String, Double> memorySeconds = new java.util.LinkedHashMap<>();
    if (MEMORY_DOCUMENTS > 0) {
      for (Platform p : platforms) {
        memorySeconds.put(p.label(), memory(p));
      }
    }
    for (int r = WARM_UP; r < WARM_UP + ROUNDS; r++) {
      for (Platform p : inTurn(platforms, r)) {
        p.rounds().add(round(p, r));
      }
    }
    Map<String, Map<String, double[]>> quality = new java.util.LinkedHashMap<>();
    for (Platform p : platforms) {
      quality.put(p.label(), quality(p));
    }
    Map<String, double[]> ratios = new java.util.LinkedHashMap<>();
    for (Platform p : platforms) {
      ratios.put(p.label(), report(p, quality.get(p.label())));
    }
    if (platforms.size() > 1) {
      print("knowledge benchmark, side by side in one run:%n");
      print(
          "  %-26s %-18s %14s %16s %15s %15s %12s%n",
          "",
          "model",
          "chunks/s e2e",
          "ratio to raw",
          "vector r@1|MRR",
          "hybrid r@1|MRR",
          MEMORY_DOCUMENTS + " notes");
      for (Platform p : platforms) {
        double[] r = ratios.get(p.label());
        double[] e2e =
            p.rounds().subList(WARM_UP, p.rounds().size()).stream()
                .mapToDouble(Round::endToEnd)
                .sorted()
                .toArray();
        double[] vector = quality.get(p.label()).get("vector");
        double[] hybrid = quality.get(p.label()).get("hybrid");
        print(
            "  %-26s %-18s %14.1f %5.2f (%.2f-%.2f) %7.3f|%.3f %7.3f|%.3f %10.0f s%n",
            p.label().length() > 26 ? p.label().substring(0, 26) : p.label(),
            p.model(),
            e2e[e2e.length / 2],
            r[r.length / 2],
            r[0],
            r[r.length - 1],
            vector[0],
            vector[1],
            hybrid[0],
            hybrid[1],
            memorySeconds.getOrDefault(p.label(), Double.NaN));
      }
      print(
          "  (chunks/s: median of the measured rounds, upload through the gateway until indexed;"
              + " r@1|MRR: passage ranking of the %d held-out questions through the gateway)%n",
          HeldOut.QUESTIONS.size());
    }
    Files.writeString(Path.of("target", "knowledge-benchmark.txt"), report.toString());
  }

  /** The platforms in round {@code r}'s order: the first one goes first in even rounds. */
  static List<Platform> inTurn(List<Platform> platforms, int r) {
    List<Platform> order = new ArrayList<>(platforms);
    Collections.rotate(order, r);
    return order;
  }

  /** Prints one platform's rounds and quality; answers its warm rounds' ratios, sorted. */
  double[] report(Platform platform, Map<String, double[]> quality) {
    List<Round> rounds = platform.rounds();
    print(
        "knowledge benchmark, %s: %d rounds of %d documents (about %d chunks of at most %d tokens"
            + " each), model %s%n",
        platform.label(),
        WARM_UP + ROUNDS,
        THROUGHPUT_DOCUMENTS,
        rounds.get(0).chunks(),
        256,
        platform.model());
    print(
        "  %-24s %7s %14s %10s %7s   %s%n",
        "round", "chunks", "service e2e/s", "raw/s", "ratio", "model CPU ms/chunk: service | raw");
    for (Round round : rounds) {
      print(
          "  %-24s %7d %14.1f %10.1f %7.2f   %7.1f | %5.1f%n",
          round.number() == 0
              ? "0 (first after start)"
              : round.number() < WARM_UP ? round.number() + " (warm-up)" : round.number() + "",
          round.chunks(),
          round.endToEnd(),
          round.raw(),
          round.endToEnd() / round.raw(),
          1000 * round.threads().getOrDefault("embedding-#", 0.0) / round.chunks(),
          1000 * round.rawCpu() / round.chunks());
    }
    print(
        "  (raw/s: the model as the service runs it, batches of %d, in this JVM, on the round's"
            + " chunk texts right after the round; model CPU: the service's embedding threads,"
            + " and this JVM while raw)%n",
        BATCH);
    List<Round> warmRounds = rounds.subList(WARM_UP, rounds.size());
    double[] ratios =
        warmRounds.stream().mapToDouble(x -> x.endToEnd() / x.raw()).sorted().toArray();
    print(
        "  ratio of the service to the raw model, median of rounds %d-%d: %.2f (lowest %.2f,"
            + " highest %.2f; target 0.90)%n",
        WARM_UP,
        WARM_UP + ROUNDS - 1,
        ratios[ratios.length / 2],
        ratios[0],
        ratios[ratios.length - 1]);
    Round last = rounds.get(rounds.size() - 1);
    print(
        "  the library's default threading on round %d's texts: %.1f chunks/s (the service"
            + " reached %.2f of it)%n",
        last.number(), last.rawLibrary(), last.endToEnd() / last.rawLibrary());
    print("  CPU seconds while the service ingested (2 cores):%n");
    printColumns("elapsed (x2 = CPU seconds available)", rounds, Round::elapsed);
    for (String process : keysOver(rounds, Round::processes, 0.5)) {
      printColumns(process, rounds, x -> x.processes().getOrDefault(process, 0.0));
    }
    print("  CPU seconds while the raw model ran in this JVM (the same processes, idle):%n");
    printColumns("elapsed (x2 = CPU seconds available)", rounds, Round::rawElapsed);
    for (String process : keysOver(rounds, Round::rawProcesses, 0.5)) {
      printColumns(process, rounds, x -> x.rawProcesses().getOrDefault(process, 0.0));
    }
    print("  CPU seconds by thread of the ingestion-service:%n");
    for (String thread : keysOver(rounds, Round::threads, 0.2)) {
      printColumns("  " + thread, rounds, x -> x.threads().getOrDefault(thread, 0.0));
    }
    print("  the service's own timers (seconds summed over its threads):%n");
    for (String stage : keysOver(rounds, Round::stages, 0.0)) {
      printColumns("  " + stage, rounds, x -> x.stages().getOrDefault(stage, 0.0));
    }
    print(
        "  passage ranking on the held-out set (%d documents, %d questions) through the gateway:%n",
        HeldOut.DOCS.size(), HeldOut.QUESTIONS.size());
    quality.forEach(
        (mode, score) -> print("    %-8s recall@1 %.3f   MRR %.3f%n", mode, score[0], score[1]));

    return ratios;
  }

  /**
   * VmRSS of the service before and after ingesting {@code MEMORY_DOCUMENTS} more documents;
   * answers the seconds from the first upload until the last document was indexed.
   */
  double memory(Platform platform) throws Exception {
    Edge edge = platform.edge();
    Edge.User owner = platform.owner();
    long pid = platform.pid();
    long before = rss(pid);
    long anonBefore = status(pid, "RssAnon:");
    print(
        "  %s: ingestion-service before %,d documents: %s%n",
        platform.label(), MEMORY_DOCUMENTS, memory(pid));
    // A new token every 1,000 documents: the uploads take longer than one lives.
    AtomicReference<String> token = new AtomicReference<>(signedIn(edge, owner).token());
    ExecutorService pool = Executors.newFixedThreadPool(4);
    AtomicInteger next = new AtomicInteger();
    List<String> memoryIds = Collections.synchronizedList(new ArrayList<>());
    long memoryStart = System.nanoTime();
    List<Future<?>> uploads = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      uploads.add(
          pool.submit(
              () -> {
                for (int d; (d = next.getAndIncrement()) < MEMORY_DOCUMENTS; ) {
                  String text = "Note " + d + ": " + paragraph(d, 0).substring(0, 200);
                  Edge.Response r =
                      KnowledgeAcceptanceTest.upload(
                          edge,
                          token.get(),
                          "note-" + d + ".txt",
                          text.getBytes(StandardCharsets.UTF_8));
                  if (r.status() != 202) {
                    throw new AssertionError(r.body());
                  }
                  memoryIds.add(r.json().get("id").asText());
                  if (d % 1_000 == 999) {
                    token.set(signedIn(edge, owner).token());
                  }
                  if (d % 2_000 == 1_999) {
                    print("    %,6d uploaded: %s%n", d + 1, memory(pid));
                  }
                }
                return null;
              }));
    }
    for (Future<?> f : uploads) {
      f.get();
    }
    pool.shutdown();
    print(
        "    %,6d uploaded in %.0f s%n", MEMORY_DOCUMENTS, (System.nanoTime() - memoryStart) / 1e9);
    awaitIndexed(edge, owner, memoryIds, Duration.ofMinutes(30));
    double seconds = (System.nanoTime() - memoryStart) / 1e9;
    long after = rss(pid);
    long anonAfter = status(pid, "RssAnon:");
    print(
        "  %s: ingestion-service after %,d documents (all indexed, %.0f s): %s%n",
        platform.label(), MEMORY_DOCUMENTS, seconds, memory(pid));
    print(
        "  VmRSS %+.1f%%, anonymous %+.1f%% (target: within 10%%)%n",
        100.0 * (after - before) / before, 100.0 * (anonAfter - anonBefore) / anonBefore);
    return seconds;
  }

  /** The user with a new access token (a run takes longer than one token lives). */
  static Edge.User signedIn(Edge edge, Edge.User user) {
    return new Edge.User(
        user.userId(), user.tenantId(), user.email(), edge.password(user.email(), Edge.PASSWORD));
  }

  /** One round: the service's figures, the model's on the same texts, and where CPU went. */
  record Round(
      int number,
      int chunks,
      double elapsed,
      double endToEnd,
      double raw,
      double rawCpu,
      double rawLibrary,
      double rawElapsed,
      Map<String, Double> rawProcesses,
      Map<String, Double> processes,
      Map<String, Double> threads,
      Map<String, Double> stages) {}

  Round round(Platform platform, int number) throws Exception {
    AbstractInProcessEmbeddingModel library = platform.models().library();
    AbstractInProcessEmbeddingModel asTheService = platform.models().asTheService();
    Edge edge = platform.edge();
    Edge.User owner = signedIn(edge, platform.owner());
    long pid = platform.pid();
    // 1. end to end: upload through the gateway until every document is indexed
    List<String> ids = new ArrayList<>();
    Map<String, Double> stagesBefore = stages(edge);
    Map<String, Double> cpuBefore = cpuByProcess();
    Map<String, Double> threadsBefore = cpuByThread(pid);
    double processBefore = processCpu(pid);
    double start = System.currentTimeMillis() / 1000.0;
    for (int i = 0; i < THROUGHPUT_DOCUMENTS; i++) {
      int d = number * THROUGHPUT_DOCUMENTS + i;
      StringBuilder text = new StringBuilder();
      for (int p = 0; p < PARAGRAPHS; p++) {
        text.append(paragraph(d, p)).append("\n\n");
      }
      Edge.Response r =
          KnowledgeAcceptanceTest.upload(
              edge,
              owner.token(),
              "bench-" + d + ".txt",
              text.toString().getBytes(StandardCharsets.UTF_8));
      if (r.status() != 202) {
        throw new AssertionError(r.body());
      }
      ids.add(r.json().get("id").asText());
    }
    Indexed indexed = awaitIndexed(edge, owner, ids, Duration.ofMinutes(10));
    int chunks = indexed.chunks();
    double elapsed = indexed.last() - start;
    Map<String, Double> processes = difference(cpuBefore, cpuByProcess());
    Map<String, Double> threads = difference(threadsBefore, cpuByThread(pid));
    double threadSum = threads.values().stream().mapToDouble(Double::doubleValue).sum();
    threads.put("(threads that ended meanwhile)", processCpu(pid) - processBefore - threadSum);
    Map<String, Double> stages = difference(stagesBefore, stages(edge));

    // 2. raw: the same chunk texts, embedded in batches by the model in this JVM
    List<String> texts = new ArrayList<>();
    try (Connection c = edge.database("ingestion-service");
        PreparedStatement s =
            c.prepareStatement(
                "SELECT text FROM chunk WHERE document_id = ANY(?::uuid[]) ORDER BY document_id, seq")) {
      s.setArray(1, c.createArrayOf("text", ids.toArray()));
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          texts.add(rs.getString(1));
        }
      }
    }
    Map<String, Double> cpuBeforeRaw = cpuByProcess();
    long rawStart = System.nanoTime();
    double raw = raw(asTheService, texts);
    double rawElapsed = (System.nanoTime() - rawStart) / 1e9;
    Map<String, Double> rawProcesses = difference(cpuBeforeRaw, cpuByProcess());
    double rawCpu = rawProcesses.getOrDefault(SELF, 0.0);
    // The library's default threading: once, in the last round (it is not the comparison).
    double rawLibrary = number == WARM_UP + ROUNDS - 1 ? raw(library, texts) : Double.NaN;
    return new Round(
        number,
        chunks,
        elapsed,
        chunks / elapsed,
        raw,
        rawCpu,
        rawLibrary,
        rawElapsed,
        rawProcesses,
        processes,
        threads,
        stages);
  }

  static Map<String, Double> difference(Map<String, Double> before, Map<String, Double> after) {
    Map<String, Double> d = new TreeMap<>();
    after.forEach((k, v) -> d.put(k, v - before.getOrDefault(k, 0.0)));
    return d;
  }

  /** The keys whose value reaches {@code min} in some round, largest first. */
  static List<String> keysOver(
      List<Round> rounds, Function<Round, Map<String, Double>> map, double min) {
    Map<String, Double> max = new HashMap<>();
    for (Round r : rounds) {
      map.apply(r).forEach((k, v) -> max.merge(k, v, Math::max));
    }
    return max.entrySet().stream()
        .filter(e -> e.getValue() >= min && e.getValue() > 0)
        .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
        .map(Map.Entry::getKey)
        .toList();
  }

  void printColumns(String label, List<Round> rounds, ToDoubleFunction<Round> value) {
    StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "    %-44s", label));
    for (Round r : rounds) {
      line.append(String.format(Locale.ROOT, " %7.1f", value.applyAsDouble(r)));
    }
    print("%s%n", line);
  }

  /** CPU seconds (user + system) of every process, by a readable name. */
  static Map<String, Double> cpuByProcess() throws Exception {
    Map<String, Double> cpu = new HashMap<>();
    try (var dirs = Files.list(Path.of("/proc"))) {
      for (Path dir : dirs.filter(d -> d.getFileName().toString().matches("\\d+")).toList()) {
        try {
          double seconds = cpuSeconds(dir.resolve("stat"));
          String cmd = Files.readString(dir.resolve("cmdline")).replace('\0', ' ').trim();
          cpu.merge(name(cmd, dir.getFileName().toString()), seconds, Double::sum);
        } catch (Exception gone) {
          // the process ended meanwhile
        }
      }
    }
    return cpu;
  }

  /** CPU seconds (user + system) of a process, its ended threads included. */
  static double processCpu(long pid) throws Exception {
    return cpuSeconds(Path.of("/proc", String.valueOf(pid), "stat"));
  }

  /** utime + stime of a /proc stat file (a process's or a thread's), in seconds (USER_HZ 100). */
  static double cpuSeconds(Path stat) throws Exception {
    String line = Files.readString(stat);
    String[] f = line.substring(line.lastIndexOf(')') + 2).split(" ");
    return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
  }

  /**
   * CPU seconds (user + system) of a process's threads, grouped by name with digits folded
   * ("embedding-#"); threads that ended are not counted.
   */
  static Map<String, Double> cpuByThread(long pid) throws Exception {
    Map<String, Double> cpu = new TreeMap<>();
    try (var tasks = Files.list(Path.of("/proc", String.valueOf(pid), "task"))) {
      for (Path task : tasks.toList()) {
        try {
          double seconds = cpuSeconds(task.resolve("stat"));
          String name = Files.readString(task.resolve("comm")).trim().replaceAll("\\d+", "#");
          cpu.merge(name, seconds, Double::sum);
        } catch (Exception gone) {
          // the thread ended meanwhile
        }
      }
    }
    return cpu;
  }

  static String name(String cmd, String pid) {
    java.util.regex.Matcher service =
        java.util.regex.Pattern.compile("services/([a-z-]+)/target").matcher(cmd);
    if (service.find()) {
      return service.group(1) + " (" + pid + ")";
    }
    if (cmd.contains("surefire")) {
      return SELF;
    }
    if (cmd.contains("kafka")) {
      return "kafka";
    }
    if (cmd.contains("keycloak")) {
      return "keycloak";
    }
    if (cmd.contains("postgres") || cmd.isEmpty()) {
      return cmd.isEmpty() ? "kernel threads" : "postgres (all backends)";
    }
    if (cmd.contains("devstack")) {
      return "devstack supervisor";
    }
    return cmd.length() > 40 ? cmd.substring(0, 40) : cmd;
  }

  /** The pipeline's stage timers from the service's Prometheus metrics (sums in seconds). */
  static Map<String, Double> stages(Edge edge) {
    Map<String, Double> sums = new TreeMap<>();
    String metrics = Edge.send("GET", edge.url("ingestion-service") + "/q/metrics", null).body();
    for (String line : metrics.split("\n")) {
      if (line.startsWith("copilot_ingestion_") && line.contains("_seconds_sum")) {
        String name = line.substring(0, line.lastIndexOf(' ')).replace("copilot_ingestion_", "");
        sums.put(name, Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)));
      }
    }
    return sums;
  }

  /**
   * The model as ingestion-service's Embedder runs it: one ONNX Runtime thread per inference, one
   * inference per core.
   */
  static AbstractInProcessEmbeddingModel asTheServiceRunsIt(String model) throws Exception {
    ClassLoader loader = KnowledgeBenchmark.class.getClassLoader();
    OrtEnvironment environment = OrtEnvironment.getEnvironment();
    OrtSession.SessionOptions options = new OrtSession.SessionOptions();
    options.setIntraOpNumThreads(1);
    options.setInterOpNumThreads(1);
    OrtSession session;
    try (InputStream onnx = loader.getResourceAsStream(model + ".onnx")) {
      session = environment.createSession(onnx.readAllBytes(), options);
    }
    OnnxBertBiEncoder encoder =
        new OnnxBertBiEncoder(
            environment,
            session,
            loader.getResourceAsStream(model + "-tokenizer.json"),
            PoolingMode.MEAN);
    ExecutorService threads =
        Executors.newFixedThreadPool(Runtime.getRuntime().availableProcessors());
    return new AbstractInProcessEmbeddingModel(threads) {
      @Override
      protected OnnxBertBiEncoder model() {
        return encoder;
      }
    };
  }

  /**
   * Passage ranking on the held-out set ({@code HeldOut}, from ingestion-service's tests) through
   * the gateway, for a tenant of its own: its documents uploaded and indexed, each question
   * searched in each mode (top 10); the rank of the passage that answers it gives recall@1 and MRR.
   */
  Map<String, double[]> quality(Platform platform) throws Exception {
    Edge edge = platform.edge();
    Edge.User owner = edge.signup("Held-out Bench");
    edge.plan(owner.tenantId(), "unlimited");
    Map<String, String> ids = new HashMap<>();
    for (HeldOut.Doc doc : HeldOut.DOCS) {
      Edge.Response r =
          KnowledgeAcceptanceTest.upload(
              edge, owner.token(), doc.file(), doc.markdown().getBytes(StandardCharsets.UTF_8));
      if (r.status() != 202) {
        throw new AssertionError(r.body());
      }
      ids.put(doc.file(), r.json().get("id").asText());
    }
    awaitIndexed(edge, owner, List.copyOf(ids.values()), Duration.ofMinutes(5));
    Map<String, double[]> scores = new java.util.LinkedHashMap<>();
    for (String mode : List.of("vector", "keyword", "hybrid")) {
      double first = 0;
      double reciprocal = 0;
      for (HeldOut.Question q : HeldOut.QUESTIONS) {
        Edge.Response r =
            edge.call(
                "POST",
                "/api/v1/search",
                owner.token(),
                Edge.JSON
                    .createObjectNode()
                    .put("query", q.text())
                    .put("mode", mode)
                    .put("topK", 10)
                    .toString());
        if (r.status() != 200) {
          throw new AssertionError(r.status() + " " + r.body());
        }
        int rank = 0;
        com.fasterxml.jackson.databind.JsonNode hits = r.json().get("hits");
        for (int i = 0; i < hits.size(); i++) {
          com.fasterxml.jackson.databind.JsonNode h = hits.get(i);
          if (h.get("documentId").asText().equals(ids.get(q.file()))
              && h.get("text").asText().replaceAll("\\s+", " ").contains(q.snippet())) {
            rank = i + 1;
            break;
          }
        }
        first += rank == 1 ? 1 : 0;
        reciprocal += rank == 0 ? 0 : 1.0 / rank;
      }
      int n = HeldOut.QUESTIONS.size();
      scores.put(mode, new double[] {first / n, reciprocal / n});
    }
    return scores;
  }

  static double raw(AbstractInProcessEmbeddingModel model, List<String> texts) {
    long s = System.nanoTime();
    for (int i = 0; i < texts.size(); i += BATCH) {
      model.embedAll(
          texts.subList(i, Math.min(i + BATCH, texts.size())).stream()
              .map(TextSegment::from)
              .toList());
    }
    return texts.size() / ((System.nanoTime() - s) / 1e9);
  }

  /** Every document indexed: their chunks, and when the last one was (epoch seconds). */
  record Indexed(int chunks, double last) {}

  /**
   * Waits until every document is indexed. The end is the database's time of the last document's
   * change to indexed, so the poll can be slow: it shares the two cores with the service it
   * measures.
   */
  static Indexed awaitIndexed(Edge edge, Edge.User owner, List<String> ids, Duration timeout)
      throws Exception {
    try (Connection c = edge.database("ingestion-service");
        PreparedStatement s =
            c.prepareStatement(
                "SELECT count(*) FILTER (WHERE status = 'indexed'),"
                    + " count(*) FILTER (WHERE status = 'failed'), coalesce(sum(chunks_total), 0),"
                    + " extract(epoch FROM max(updated_at))::float8"
                    + " FROM document WHERE id = ANY(?::uuid[])")) {
      s.setArray(1, c.createArrayOf("text", ids.toArray()));
      java.util.concurrent.atomic.AtomicReference<Indexed> indexed =
          new java.util.concurrent.atomic.AtomicReference<>();
      org.awaitility.Awaitility.await()
          .alias("all " + ids.size() + " documents indexed")
          .atMost(timeout)
          .pollInterval(Duration.ofMillis(250))
          .until(
              () -> {
                try (ResultSet rs = s.executeQuery()) {
                  rs.next();
                  if (rs.getInt(2) > 0) {
                    throw new AssertionError(rs.getInt(2) + " documents failed");
                  }
                  if (rs.getInt(1) == ids.size()) {
                    indexed.set(new Indexed(rs.getInt(3), rs.getDouble(4)));
                  }
                }
                return indexed.get() != null;
              });
      return indexed.get();
    }
  }

  static long rss(long pid) throws Exception {
    return status(pid, "VmRSS:");
  }

  /** A field of /proc/pid/status, in KiB. */
  static long status(long pid, String field) throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
      if (line.startsWith(field)) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    throw new IllegalStateException("no " + field + " for " + pid);
  }

  /** VmRSS with its anonymous (heap, native) and file-backed (jars, mapped index files) parts. */
  static String memory(long pid) throws Exception {
    return String.format(
        Locale.ROOT,
        "VmRSS %,d MiB (anonymous %,d MiB, file-backed %,d MiB)",
        status(pid, "VmRSS:") / 1024,
        status(pid, "RssAnon:") / 1024,
        status(pid, "RssFile:") / 1024);
  }
}
