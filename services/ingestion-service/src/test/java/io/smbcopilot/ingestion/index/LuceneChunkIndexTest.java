package io.smbcopilot.ingestion.index;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The contract on the embedded Lucene index, in a folder of its own. */
class LuceneChunkIndexTest extends ChunkIndexContract {
  @TempDir Path dir;
  private LuceneChunkIndex index;

  @BeforeEach
  void open() {
    index = new LuceneChunkIndex(dir, 100);
  }

  @AfterEach
  void close() {
    index.close();
  }

  @Override
  ChunkIndex index() {
    return index;
  }

  /**
   * An erased tenant's entries are gone from the files, not only marked deleted in their segments
   * (where their stored text stays until a merge drops it).
   */
  @Test
  void aDeletedTenantsEntriesLeaveTheSegments() throws Exception {
    index.upsert(
        List.of(
            entry(tenant, general, UUID.randomUUID(), 0, "Quince is the house jam.", 1),
            entry(tenant, general, UUID.randomUUID(), 0, "Quince rota.", 1),
            entry(otherTenant, general, UUID.randomUUID(), 0, "Another company's rota.", 2)));
    index.deleteTenant(tenant);
    try (var reader =
        org.apache.lucene.index.DirectoryReader.open(
            org.apache.lucene.store.FSDirectory.open(dir))) {
      assertThat(reader.numDocs()).isEqualTo(1); // the other tenant's
      assertThat(reader.numDeletedDocs()).isZero();
      assertThat(reader.maxDoc()).isEqualTo(1);
    }
  }

  @Test
  void theModelRecordOutlivesAReopenAndAnOldIndexRecordsNone() {
    assertThat(index.model()).as("a new index records no model").isEmpty();
    assertThat(index.isEmpty()).isTrue();
    UUID doc = UUID.randomUUID();
    // An index built before the record was kept: chunks, no record.
    index.upsert(List.of(entry(tenant, general, doc, 0, "Flour arrives on Tuesday.", 1)));
    index.close();
    index = new LuceneChunkIndex(dir, 100);
    assertThat(index.model()).isEmpty();
    assertThat(index.isEmpty()).isFalse();

    index.recordModel("model-a");
    index.upsert(List.of(entry(tenant, general, doc, 1, "Butter arrives on Friday.", 2)));
    index.close();
    index = new LuceneChunkIndex(dir, 100);
    assertThat(index.model()).contains("model-a");
    assertThat(index.count(tenant, doc)).isEqualTo(2);
  }
}
