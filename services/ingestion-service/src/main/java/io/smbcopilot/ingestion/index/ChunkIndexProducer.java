package io.smbcopilot.ingestion.index;

import io.smbcopilot.ingestion.config.IngestionConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import java.nio.file.Path;
import org.jboss.logging.Logger;

/** Qdrant when {@code copilot.ingestion.qdrant.host} is set, otherwise Lucene on local disk. */
@ApplicationScoped
public class ChunkIndexProducer {
  private static final Logger LOG = Logger.getLogger(ChunkIndexProducer.class);

  @Produces
  @ApplicationScoped
  ChunkIndex chunkIndex(IngestionConfig config) {
    if (config.qdrant().host().isPresent()) {
      IngestionConfig.Qdrant q = config.qdrant();
      LOG.infof("chunk index: Qdrant at %s:%d", q.host().get(), q.port());
      return new QdrantChunkIndex(
          q.host().get(), q.port(), q.tls(), q.apiKey().orElse(null), q.collection());
    } else {
      Path path = Path.of(config.index().path()).toAbsolutePath();
      LOG.infof("chunk index: Lucene at %s", path);
      return new LuceneChunkIndex(path, config.index().candidates(), config.index().beamWidth());
    }
  }

  void close(@Disposes ChunkIndex index) {
    index.close();
  }
}
