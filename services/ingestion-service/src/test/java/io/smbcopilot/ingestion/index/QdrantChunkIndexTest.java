package io.smbcopilot.ingestion.index;

import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * The contract on Qdrant, when {@code QDRANT_HOST} (and optionally {@code QDRANT_PORT}, gRPC,
 * default 6334) names one: the GitHub workflow starts a Qdrant service. Skipped otherwise.
 */
@EnabledIfEnvironmentVariable(
    named = "QDRANT_HOST",
    matches = ".+",
    disabledReason = "QDRANT_HOST is not set: the Qdrant adapter's contract tests are skipped")
class QdrantChunkIndexTest extends ChunkIndexContract {
  private static QdrantChunkIndex index;

  @BeforeAll
  static void connect() {
    String host = System.getenv("QDRANT_HOST");
    String port = System.getenv().getOrDefault("QDRANT_PORT", "6334");
    index =
        new QdrantChunkIndex(
            host,
            Integer.parseInt(port),
            false,
            System.getenv("QDRANT_API_KEY"),
            "copilot_contract_" + UUID.randomUUID().toString().replace("-", ""));
  }

  @AfterAll
  static void disconnect() {
    if (index != null) {
      index.dropCollection();
      index.close();
    }
  }

  @Override
  ChunkIndex index() {
    return index;
  }
}
