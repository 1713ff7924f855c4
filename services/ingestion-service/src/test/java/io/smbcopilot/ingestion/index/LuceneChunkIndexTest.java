package io.smbcopilot.ingestion.index;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
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
}
