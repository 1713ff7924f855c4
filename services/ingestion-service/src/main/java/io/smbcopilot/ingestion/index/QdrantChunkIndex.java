package io.smbcopilot.ingestion.index;

import static io.qdrant.client.ConditionFactory.matchKeyword;
import static io.qdrant.client.ConditionFactory.matchKeywords;

import io.qdrant.client.ConditionFactory;
import io.qdrant.client.PointIdFactory;
import io.qdrant.client.QdrantClient;
import io.qdrant.client.QdrantGrpcClient;
import io.qdrant.client.QueryFactory;
import io.qdrant.client.ValueFactory;
import io.qdrant.client.VectorFactory;
import io.qdrant.client.VectorsFactory;
import io.qdrant.client.WithPayloadSelectorFactory;
import io.qdrant.client.grpc.Collections.CreateCollection;
import io.qdrant.client.grpc.Collections.Distance;
import io.qdrant.client.grpc.Collections.Modifier;
import io.qdrant.client.grpc.Collections.PayloadSchemaType;
import io.qdrant.client.grpc.Collections.SparseVectorConfig;
import io.qdrant.client.grpc.Collections.SparseVectorParams;
import io.qdrant.client.grpc.Collections.VectorParams;
import io.qdrant.client.grpc.Collections.VectorParamsMap;
import io.qdrant.client.grpc.Collections.VectorsConfig;
import io.qdrant.client.grpc.JsonWithInt.Value;
import io.qdrant.client.grpc.Points;
import io.qdrant.client.grpc.Points.PointStruct;
import io.qdrant.client.grpc.Points.QueryPoints;
import io.qdrant.client.grpc.Points.ScoredPoint;
import io.smbcopilot.ingestion.pipeline.Embedder;
import io.smbcopilot.ingestion.pipeline.Location;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;

/**
 * Qdrant over gRPC ({@code io.qdrant:client}). One Qdrant collection holds every tenant's chunks: a
 * dense vector {@code dense} (cosine) and a sparse vector {@code text} with Qdrant's IDF modifier
 * (BM25: the term-frequency part is computed here from the same English analysis Lucene uses, the
 * IDF part by Qdrant). Payload indexes on tenant, collection, document and tags; every query
 * carries the tenant and collection conditions in its Qdrant filter.
 */
public final class QdrantChunkIndex implements ChunkIndex {
  static final String DENSE = "dense";
  static final String SPARSE = "text";
  private static final double K1 = 1.2;
  private static final double B = 0.75;
  private static final double AVERAGE_TERMS = 128;
  private static final long TIMEOUT_SECONDS = 30;

  private final QdrantClient client;
  private final String collection;
  private final Analyzer analyzer = new EnglishAnalyzer();

  public QdrantChunkIndex(String host, int port, boolean tls, String apiKey, String collection) {
    QdrantGrpcClient.Builder grpc = QdrantGrpcClient.newBuilder(host, port, tls);
    if (apiKey != null && !apiKey.isBlank()) {
      grpc.withApiKey(apiKey);
    }
    this.client = new QdrantClient(grpc.build());
    this.collection = collection;
    ensureCollection();
  }

  @Override
  public String name() {
    return "qdrant";
  }

  private void ensureCollection() {
    if (Boolean.TRUE.equals(await(client.collectionExistsAsync(collection)))) {
      return;
    }
    await(
        client.createCollectionAsync(
            CreateCollection.newBuilder()
                .setCollectionName(collection)
                .setVectorsConfig(
                    VectorsConfig.newBuilder()
                        .setParamsMap(
                            VectorParamsMap.newBuilder()
                                .putMap(
                                    DENSE,
                                    VectorParams.newBuilder()
                                        .setSize(Embedder.DIMENSIONS)
                                        .setDistance(Distance.Cosine)
                                        .build())))
                .setSparseVectorsConfig(
                    SparseVectorConfig.newBuilder()
                        .putMap(
                            SPARSE,
                            SparseVectorParams.newBuilder().setModifier(Modifier.Idf).build()))
                .build()));
    for (String field : List.of("tenant", "collection", "document", "tags")) {
      await(
          client.createPayloadIndexAsync(
              collection, field, PayloadSchemaType.Keyword, null, true, null, null));
    }
  }

  @Override
  public void upsert(List<Entry> entries) {
    List<PointStruct> points = new ArrayList<>(entries.size());
    for (Entry e : entries) {
      Sparse sparse = sparse(e.text(), true);
      Map<String, Value> payload = new HashMap<>();
      payload.put("tenant", ValueFactory.value(e.tenantId().toString()));
      payload.put("collection", ValueFactory.value(e.collectionId().toString()));
      payload.put("document", ValueFactory.value(e.documentId().toString()));
      payload.put("seq", ValueFactory.value(e.seq()));
      payload.put("tags", ValueFactory.list(e.tags().stream().map(ValueFactory::value).toList()));
      payload.put("text", ValueFactory.value(e.text()));
      Location l = e.location();
      payload.put(
          "page", l.page() == null ? ValueFactory.nullValue() : ValueFactory.value(l.page()));
      payload.put(
          "sheet", l.sheet() == null ? ValueFactory.nullValue() : ValueFactory.value(l.sheet()));
      payload.put(
          "slide", l.slide() == null ? ValueFactory.nullValue() : ValueFactory.value(l.slide()));
      payload.put(
          "headings", ValueFactory.list(l.headings().stream().map(ValueFactory::value).toList()));
      points.add(
          PointStruct.newBuilder()
              .setId(PointIdFactory.id(pointId(e.id())))
              .setVectors(
                  VectorsFactory.namedVectors(
                      Map.of(
                          DENSE,
                          VectorFactory.vector(e.vector()),
                          SPARSE,
                          VectorFactory.vector(sparse.values(), sparse.indices()))))
              .putAllPayload(payload)
              .build());
    }
    await(client.upsertAsync(collection, points));
  }

  /** Qdrant ids are UUIDs or integers: the chunk id, hashed to a name-based UUID. */
  static UUID pointId(String chunkId) {
    return UUID.nameUUIDFromBytes(chunkId.getBytes(StandardCharsets.UTF_8));
  }

  record Sparse(List<Float> values, List<Integer> indices) {}

  /**
   * The text's terms as a sparse vector: index = hash of the analysed term, value = BM25's
   * saturated term frequency for a document, 1 for a query.
   */
  Sparse sparse(String text, boolean document) {
    Map<Integer, Integer> tf = new HashMap<>();
    int length = 0;
    try (TokenStream ts = analyzer.tokenStream("text", text)) {
      CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
      ts.reset();
      while (ts.incrementToken()) {
        tf.merge(term.toString().hashCode() & 0x7fffffff, 1, Integer::sum);
        length++;
      }
      ts.end();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<Integer> indices = new ArrayList<>(tf.size());
    List<Float> values = new ArrayList<>(tf.size());
    double norm = K1 * (1 - B + B * length / AVERAGE_TERMS);
    for (Map.Entry<Integer, Integer> t : tf.entrySet()) {
      indices.add(t.getKey());
      values.add(document ? (float) (t.getValue() * (K1 + 1) / (t.getValue() + norm)) : 1f);
    }
    return new Sparse(values, indices);
  }

  /**
   * The point that records the embedding model: no tenant, so no query's filter ever matches it; a
   * dense vector only, because Qdrant stores no point without one.
   */
  static final UUID MODEL_POINT = UUID.fromString("00000000-0000-4000-8000-00000000e0de");

  @Override
  public Optional<String> model() {
    List<Points.RetrievedPoint> found =
        await(
            client.retrieveAsync(
                collection, List.of(PointIdFactory.id(MODEL_POINT)), true, false, null));
    if (found.isEmpty()) {
      return Optional.empty();
    }
    Value model = found.get(0).getPayloadMap().get("model");
    return model == null || !model.hasStringValue()
        ? Optional.empty()
        : Optional.of(model.getStringValue());
  }

  /** Every point but the model's. */
  private static Points.Filter chunks() {
    return Points.Filter.newBuilder()
        .addMustNot(ConditionFactory.hasId(PointIdFactory.id(MODEL_POINT)))
        .build();
  }

  @Override
  public boolean isEmpty() {
    return await(client.countAsync(collection, chunks(), true)) == 0;
  }

  @Override
  public void recordModel(String model) {
    float[] unit = new float[Embedder.DIMENSIONS];
    unit[0] = 1;
    await(
        client.upsertAsync(
            collection,
            List.of(
                PointStruct.newBuilder()
                    .setId(PointIdFactory.id(MODEL_POINT))
                    .setVectors(
                        VectorsFactory.namedVectors(Map.of(DENSE, VectorFactory.vector(unit))))
                    .putPayload("model", ValueFactory.value(model))
                    .build())));
  }

  /**
   * The record first, then the chunks: a replica still on the old model finds the new record before
   * its next batch and writes nothing more.
   */
  @Override
  public void clear(String model) {
    recordModel(model);
    await(client.deleteAsync(collection, chunks()));
  }

  @Override
  public void deleteDocument(UUID tenantId, UUID documentId) {
    await(client.deleteAsync(collection, ofDocument(tenantId, documentId)));
  }

  @Override
  public void deleteTenant(UUID tenantId) {
    // Qdrant drops a deleted point from its storage itself (the optimizer's vacuum)
    await(
        client.deleteAsync(
            collection,
            Points.Filter.newBuilder()
                .addMust(matchKeyword("tenant", tenantId.toString()))
                .build()));
  }

  @Override
  public List<Hit> vector(float[] vector, ChunkIndex.Filter filter, int k) {
    return query(
        QueryPoints.newBuilder()
            .setCollectionName(collection)
            .setQuery(QueryFactory.nearest(vector))
            .setUsing(DENSE)
            .setFilter(filter(filter))
            .setLimit(k)
            .setWithPayload(WithPayloadSelectorFactory.enable(true))
            .build());
  }

  @Override
  public List<Hit> keyword(String query, ChunkIndex.Filter filter, int k) {
    Sparse sparse = sparse(query, false);
    if (sparse.indices().isEmpty()) {
      return List.of();
    }
    return query(
        QueryPoints.newBuilder()
            .setCollectionName(collection)
            .setQuery(QueryFactory.nearest(sparse.values(), sparse.indices()))
            .setUsing(SPARSE)
            .setFilter(filter(filter))
            .setLimit(k)
            .setWithPayload(WithPayloadSelectorFactory.enable(true))
            .build());
  }

  private List<Hit> query(QueryPoints query) {
    List<Hit> hits = new ArrayList<>();
    for (ScoredPoint p : await(client.queryAsync(query))) {
      Map<String, Value> payload = p.getPayloadMap();
      Value page = payload.get("page");
      Value sheet = payload.get("sheet");
      Value slide = payload.get("slide");
      Location location =
          new Location(
              page == null || !page.hasIntegerValue() ? null : (int) page.getIntegerValue(),
              sheet == null || !sheet.hasStringValue() ? null : sheet.getStringValue(),
              payload.containsKey("headings")
                  ? payload.get("headings").getListValue().getValuesList().stream()
                      .map(Value::getStringValue)
                      .toList()
                  : List.of(),
              slide == null || !slide.hasIntegerValue() ? null : (int) slide.getIntegerValue());
      hits.add(
          new Hit(
              UUID.fromString(payload.get("document").getStringValue()),
              UUID.fromString(payload.get("collection").getStringValue()),
              (int) payload.get("seq").getIntegerValue(),
              payload.get("text").getStringValue(),
              location,
              p.getScore()));
    }
    return hits;
  }

  /** One document of one tenant. */
  private static Points.Filter ofDocument(UUID tenantId, UUID documentId) {
    return Points.Filter.newBuilder()
        .addMust(matchKeyword("tenant", tenantId.toString()))
        .addMust(matchKeyword("document", documentId.toString()))
        .build();
  }

  /** Tenant and collections always; tags and documents when asked for. */
  static Points.Filter filter(ChunkIndex.Filter f) {
    Points.Filter.Builder b =
        Points.Filter.newBuilder()
            .addMust(matchKeyword("tenant", f.tenantId().toString()))
            .addMust(
                matchKeywords("collection", f.collections().stream().map(UUID::toString).toList()));
    if (!f.tags().isEmpty()) {
      b.addMust(matchKeywords("tags", List.copyOf(f.tags())));
    }
    if (!f.documents().isEmpty()) {
      b.addMust(matchKeywords("document", f.documents().stream().map(UUID::toString).toList()));
    }
    return b.build();
  }

  @Override
  public long count(UUID tenantId, UUID documentId) {
    return await(client.countAsync(collection, ofDocument(tenantId, documentId), true));
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while Qdrant answered", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("Qdrant: " + e.getMessage(), e);
    }
  }

  /** Deletes the whole Qdrant collection (tests only). */
  void dropCollection() {
    await(client.deleteCollectionAsync(collection));
  }

  @Override
  public void close() {
    client.close();
  }
}
