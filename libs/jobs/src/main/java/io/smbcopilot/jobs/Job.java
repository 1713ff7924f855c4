package io.smbcopilot.jobs;

import java.util.UUID;

/**
 * A claimed job.
 *
 * @param id the job's id
 * @param queue which queue it is in (one per kind of work: {@code webhook-delivery}, ...)
 * @param tenantId the tenant it belongs to
 * @param payload what the work needs, as JSON text
 * @param attempts how often it has been claimed, this time included
 */
public record Job(UUID id, String queue, UUID tenantId, String payload, int attempts) {}
