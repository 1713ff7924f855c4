package io.smbcopilot.ingestion.config;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
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
}
