package io.smbcopilot.ingestion.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.mutiny.Uni;
import io.smbcopilot.jobs.Job;
import io.smbcopilot.jobs.Jobs;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.time.Duration;
import java.util.UUID;

/**
 * The pipeline's queue on libs/jobs ({@code job}, queue {@value #QUEUE}): one job per document to
 * index, added in the transaction that queues the document.
 */
@ApplicationScoped
public class IngestQueue {
  public static final String QUEUE = "ingest";

  private final Jobs jobs;
  private final ObjectMapper json;

  public IngestQueue(Jobs jobs, ObjectMapper json) {
    this.jobs = jobs;
    this.json = json;
  }

  /** Adds the document's job in the current Hibernate Reactive transaction. */
  public Uni<Void> enqueue(UUID tenantId, UUID documentId) {
    return jobs.enqueue(
            QUEUE,
            tenantId,
            json.createObjectNode().put("documentId", documentId.toString()).toString(),
            Duration.ZERO)
        .replaceWithVoid();
  }

  /** The document a job is for. */
  UUID documentOf(Job job) {
    try {
      return UUID.fromString(payload(job).path("documentId").asText());
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException("job " + job.id() + " names no document: " + job.payload());
    }
  }

  /**
   * Whether the job embeds an indexed document again for a rebuilt index ({@link
   * io.smbcopilot.ingestion.repository.DocumentRepository#requeueAllForEmbedding}): nothing about
   * the document changes, so it is not announced again.
   */
  boolean reindexes(Job job) {
    return payload(job).path("reindex").asBoolean(false);
  }

  private JsonNode payload(Job job) {
    try {
      return json.readTree(job.payload());
    } catch (IOException e) {
      throw new IllegalStateException("job " + job.id() + " names no document: " + job.payload());
    }
  }
}
