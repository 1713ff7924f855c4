package io.smbcopilot.ingestion.index;

import static org.assertj.core.api.Assertions.assertThat;

import io.smbcopilot.ingestion.pipeline.Embedder;
import io.smbcopilot.ingestion.pipeline.Location;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * What every {@link ChunkIndex} adapter must do, run against each (Lucene always, Qdrant when
 * QDRANT_HOST is set). Vectors are made up here, so the suite needs no model.
 */
abstract class ChunkIndexContract {
  abstract ChunkIndex index();

  final Random random = new Random(42);
  final UUID tenant = UUID.randomUUID();
  final UUID otherTenant = UUID.randomUUID();
  final UUID general = UUID.randomUUID();
  final UUID board = UUID.randomUUID();

  float[] vector(int axis) {
    float[] v = new float[Embedder.DIMENSIONS];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) (random.nextGaussian() * 0.01);
    }
    v[axis] += 1;
    return v;
  }

  ChunkIndex.Entry entry(
      UUID tenantId,
      UUID collection,
      UUID document,
      int seq,
      String text,
      int axis,
      String... tags) {
    return new ChunkIndex.Entry(
        tenantId,
        collection,
        document,
        seq,
        List.of(tags),
        text,
        new Location(seq + 1, null, List.of("Chapter", "Section " + seq)),
        vector(axis));
  }

  ChunkIndex.Filter only(UUID tenantId, UUID... collections) {
    return new ChunkIndex.Filter(tenantId, Set.of(collections), Set.of(), Set.of());
  }

  @Test
  void findsByVectorAndByKeywordWithTheLocation() {
    UUID doc = UUID.randomUUID();
    index()
        .upsert(
            List.of(
                entry(tenant, general, doc, 0, "The ovens are cleaned every evening.", 1),
                entry(tenant, general, doc, 1, "Sourdough bakes at 230 degrees.", 2),
                entry(tenant, general, doc, 2, "Deliveries arrive on Tuesday.", 3)));
    List<ChunkIndex.Hit> near = index().vector(vector(2), only(tenant, general), 3);
    assertThat(near).hasSize(3);
    assertThat(near.get(0).seq()).isEqualTo(1);
    assertThat(near.get(0).score()).isGreaterThan(near.get(1).score());
    assertThat(near.get(0).location())
        .isEqualTo(new Location(2, null, List.of("Chapter", "Section 1")));
    assertThat(near.get(0).text()).isEqualTo("Sourdough bakes at 230 degrees.");

    List<ChunkIndex.Hit> words = index().keyword("baking sourdough", only(tenant, general), 3);
    assertThat(words).isNotEmpty();
    assertThat(words.get(0).seq()).as("stemmed: baking finds bakes").isEqualTo(1);
    assertThat(index().keyword("the", only(tenant, general), 3)).as("stop words only").isEmpty();
  }

  @Test
  void everyQueryIsLimitedToTheTenantAndItsCollections() {
    UUID mine = UUID.randomUUID();
    UUID secret = UUID.randomUUID();
    UUID theirs = UUID.randomUUID();
    index()
        .upsert(
            List.of(
                entry(tenant, general, mine, 0, "Marzipan recipe for the spring fair.", 5),
                entry(tenant, board, secret, 0, "Marzipan supplier contract terms.", 5),
                entry(otherTenant, general, theirs, 0, "Marzipan notes of another company.", 5)));
    assertThat(index().keyword("marzipan", only(tenant, general), 10))
        .extracting(ChunkIndex.Hit::documentId)
        .containsExactly(mine);
    assertThat(index().vector(vector(5), only(tenant, general), 10))
        .extracting(ChunkIndex.Hit::documentId)
        .containsExactly(mine);
    assertThat(index().keyword("marzipan", only(tenant, general, board), 10))
        .extracting(ChunkIndex.Hit::documentId)
        .containsExactlyInAnyOrder(mine, secret);
    // the same collection id under another tenant is not the same collection
    assertThat(index().keyword("marzipan", only(otherTenant, board), 10)).isEmpty();
    assertThat(index().vector(vector(5), only(otherTenant, board), 10)).isEmpty();
    assertThat(index().keyword("marzipan", only(otherTenant, general), 10))
        .extracting(ChunkIndex.Hit::documentId)
        .containsExactly(theirs);
  }

  @Test
  void tagAndDocumentFiltersNarrowTheQuery() {
    UUID a = UUID.randomUUID();
    UUID b = UUID.randomUUID();
    index()
        .upsert(
            List.of(
                entry(tenant, general, a, 0, "Croissant lamination steps.", 7, "recipes"),
                entry(tenant, general, b, 0, "Croissant price list.", 7, "prices", "shop")));
    ChunkIndex.Filter tags =
        new ChunkIndex.Filter(tenant, Set.of(general), Set.of("shop"), Set.of());
    assertThat(index().keyword("croissant", tags, 10))
        .extracting(ChunkIndex.Hit::documentId)
        .containsExactly(b);
    assertThat(index().vector(vector(7), tags, 10))
        .extracting(ChunkIndex.Hit::documentId)
        .containsExactly(b);
    ChunkIndex.Filter docs = new ChunkIndex.Filter(tenant, Set.of(general), Set.of(), Set.of(a));
    assertThat(index().keyword("croissant", docs, 10))
        .extracting(ChunkIndex.Hit::documentId)
        .containsExactly(a);
    assertThat(index().vector(vector(7), docs, 10))
        .extracting(ChunkIndex.Hit::documentId)
        .containsExactly(a);
  }

  @Test
  void upsertReplacesByChunkIdAndDeleteRemovesOneDocumentOfOneTenant() {
    UUID doc = UUID.randomUUID();
    UUID keep = UUID.randomUUID();
    index()
        .upsert(
            List.of(
                entry(tenant, general, doc, 0, "First version of the rota.", 9),
                entry(tenant, general, doc, 1, "Second chunk of the rota.", 9),
                entry(tenant, general, keep, 0, "Another rota that stays.", 9)));
    index().upsert(List.of(entry(tenant, general, doc, 0, "Revised version of the rota.", 9)));
    assertThat(index().count(tenant, doc)).isEqualTo(2);
    assertThat(index().keyword("revised", only(tenant, general), 10)).hasSize(1);
    assertThat(index().keyword("first", only(tenant, general), 10)).isEmpty();

    // another tenant cannot delete it by id
    index().deleteDocument(otherTenant, doc);
    assertThat(index().count(tenant, doc)).isEqualTo(2);
    index().deleteDocument(tenant, doc);
    assertThat(index().count(tenant, doc)).isZero();
    assertThat(index().keyword("rota", only(tenant, general), 10))
        .extracting(ChunkIndex.Hit::documentId)
        .containsExactly(keep);
    assertThat(index().vector(vector(9), only(tenant, general), 10))
        .extracting(ChunkIndex.Hit::documentId)
        .containsExactly(keep);
  }

  @Test
  void deletingATenantRemovesEveryChunkOfItAndNothingOfAnother() {
    UUID a = UUID.randomUUID();
    UUID b = UUID.randomUUID();
    UUID theirs = UUID.randomUUID();
    index()
        .upsert(
            List.of(
                entry(tenant, general, a, 0, "Quince jam for the autumn market.", 11),
                entry(tenant, board, b, 0, "Quince supplier terms.", 11),
                entry(otherTenant, general, theirs, 0, "Quince notes of another company.", 11)));
    index().deleteTenant(tenant);
    assertThat(index().count(tenant, a)).isZero();
    assertThat(index().count(tenant, b)).isZero();
    assertThat(
            index()
                .keyword(
                    "quince",
                    new ChunkIndex.Filter(tenant, java.util.Set.of(general, board), null, null),
                    10))
        .isEmpty();
    assertThat(index().keyword("quince", only(otherTenant, general), 10))
        .extracting(ChunkIndex.Hit::documentId)
        .containsExactly(theirs);
    index().deleteTenant(tenant); // again: nothing to do
    assertThat(index().count(otherTenant, theirs)).isEqualTo(1);
  }

  @Test
  void recordsItsModelAcrossWritesAndClearEmptiesItUnderTheNewRecord() {
    UUID doc = UUID.randomUUID();
    index().recordModel("model-a");
    index()
        .upsert(
            List.of(
                entry(tenant, general, doc, 0, "The ovens are cleaned every evening.", 1),
                entry(otherTenant, board, UUID.randomUUID(), 0, "Board minutes.", 2)));
    assertThat(index().model()).as("kept by the writes after it").contains("model-a");
    assertThat(index().isEmpty()).isFalse();
    // The record is not a chunk: no query of any tenant finds it.
    assertThat(index().vector(vector(0), only(tenant, general), 10))
        .extracting(ChunkIndex.Hit::documentId)
        .containsExactly(doc);

    index().clear("model-b");
    assertThat(index().model()).contains("model-b");
    assertThat(index().isEmpty()).as("every tenant's chunks are gone").isTrue();
    assertThat(index().count(tenant, doc)).isZero();
    assertThat(index().vector(vector(1), only(tenant, general), 10)).isEmpty();
    assertThat(index().keyword("ovens", only(tenant, general), 10)).isEmpty();
  }
}
