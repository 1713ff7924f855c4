package io.smbcopilot.workflow.workflows;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.mutiny.Uni;
import io.smbcopilot.events.EventType;
import io.smbcopilot.problem.ProblemException;
import io.smbcopilot.workflow.copilot.Answerers;
import io.smbcopilot.workflow.domain.JsonColumns;
import io.smbcopilot.workflow.domain.Workflow;
import io.smbcopilot.workflow.domain.WorkflowVersion;
import io.smbcopilot.workflow.repository.WorkflowRepository;
import io.smbcopilot.workflow.repository.WorkflowVersionRepository;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Workflow definitions: created and changed only when valid ({@link DefinitionValidator}), each
 * change of definition a new version, the old ones kept for the runs that started with them.
 */
@ApplicationScoped
public class WorkflowService {
  /** The platform events a workflow may start on. */
  public static final Set<String> TRIGGER_EVENTS =
      Stream.of(EventType.DOCUMENT_UPLOADED, EventType.DOCUMENT_INDEXED, EventType.DOCUMENT_FAILED)
          .map(EventType::typeName)
          .collect(Collectors.toUnmodifiableSet());

  /** A workflow and the definition of one of its versions. */
  public record Versioned(Workflow workflow, WorkflowVersion version, Definition definition) {}

  private final WorkflowRepository workflows;
  private final WorkflowVersionRepository versions;
  private final Answerers answerers;
  private final ObjectMapper json;

  private final Triggers triggers;
  private final io.smbcopilot.security.SecretCipher cipher;
  private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

  /** Where a workflow's webhook trigger is called, under the API's base URL. */
  public static String webhookPath(UUID id) {
    return "/api/v1/hooks/workflows/" + id;
  }

  public WorkflowService(
      WorkflowRepository workflows,
      WorkflowVersionRepository versions,
      Answerers answerers,
      Triggers triggers,
      io.smbcopilot.security.SecretCipher cipher,
      ObjectMapper json) {
    this.cipher = cipher;
    this.triggers = triggers;
    this.workflows = workflows;
    this.versions = versions;
    this.answerers = answerers;
    this.json = json;
  }

  /** Refuses an invalid definition with a 400 problem naming each mistake's field. */
  public Uni<Void> validate(UUID tenantId, Definition definition) {
    return answerers
        .forTenant(tenantId)
        .invoke(
            settings ->
                DefinitionValidator.check(
                    definition,
                    new DefinitionValidator.Context(!settings.extractive(), TRIGGER_EVENTS)))
        .replaceWithVoid();
  }

  /** A new workflow at version 1, owned by its creator; in the caller's transaction. */
  public Uni<Versioned> create(
      UUID tenantId,
      String userId,
      String name,
      String description,
      boolean enabled,
      Definition definition) {
    return validate(tenantId, definition)
        .chain(
            () -> {
              OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
              Workflow w = new Workflow();
              w.id = UUID.randomUUID();
              w.tenantId = tenantId;
              w.name = name.trim();
              w.description = description;
              w.enabled = enabled;
              w.version = 1;
              w.ownerId = userId;
              w.createdAt = now;
              w.updatedAt = now;
              return workflows
                  .persist(w)
                  .chain(saved -> version(saved, userId, definition, now))
                  .call(v -> triggers.sync(w, definition))
                  .map(v -> new Versioned(w, v, definition));
            });
  }

  /** A new version of the workflow's definition; name and description changed with it. */
  public Uni<Versioned> update(
      UUID tenantId,
      UUID id,
      String userId,
      String name,
      String description,
      Definition definition) {
    return validate(tenantId, definition)
        .chain(() -> own(tenantId, id))
        .chain(
            w -> {
              OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
              w.name = name.trim();
              w.description = description;
              w.version = w.version + 1;
              // whoever saves a definition owns it: its runs act with the saver's permissions,
              // never with those of someone who did not write it
              w.ownerId = userId;
              w.updatedAt = now;
              return version(w, userId, definition, now).map(v -> new Versioned(w, v, definition));
            });
  }

  /**
   * After the workflow was enabled, disabled, deleted or given a new version: its trigger follows,
   * in the caller's transaction.
   */
  public Uni<Void> resync(Workflow w) {
    return versions.of(w.tenantId, w.id, w.version).chain(v -> triggers.sync(w, definition(v)));
  }

  /**
   * A webhook trigger's secret: made (and kept sealed) when the workflow's definition has a webhook
   * trigger and none was made yet, or always when {@code renew}; the new secret, in plain text to
   * be shown once, or null when none was made.
   */
  public String webhookSecret(Workflow w, Definition definition, boolean renew) {
    boolean webhook = definition.trigger() != null && "webhook".equals(definition.trigger().type());
    if (!webhook) {
      if (renew) {
        throw new ProblemException(
            io.smbcopilot.problem.ProblemType.CONFLICT,
            "the workflow " + w.id + " has no webhook trigger");
      }
      return null;
    }
    if (w.webhookSecret != null && !renew) {
      return null;
    }
    if (!cipher.available()) {
      throw new ProblemException(
          io.smbcopilot.problem.ProblemType.SERVICE_UNAVAILABLE,
          "webhook triggers need the deployment's encryption key"
              + " (copilot.secrets.encryption-key), which is not set");
    }
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    String secret = "whsec_" + java.util.Base64.getEncoder().encodeToString(bytes);
    w.webhookSecret = cipher.encrypt(w.tenantId, secret);
    return secret;
  }

  /** The tenant's workflow (404 when it has none of this id). */
  public Uni<Workflow> own(UUID tenantId, UUID id) {
    return workflows
        .own(tenantId, id)
        .onItem()
        .ifNull()
        .failWith(() -> ProblemException.notFound("workflow " + id));
  }

  /** The workflow with the definition of a version of it (its current one when null). */
  public Uni<Versioned> get(UUID tenantId, UUID id, Integer version) {
    return own(tenantId, id)
        .chain(
            w ->
                versions
                    .of(tenantId, id, version == null ? w.version : version)
                    .onItem()
                    .ifNull()
                    .failWith(
                        () ->
                            ProblemException.notFound("version " + version + " of workflow " + id))
                    .map(v -> new Versioned(w, v, definition(v))));
  }

  public Definition definition(WorkflowVersion v) {
    try {
      return json.treeToValue(JsonColumns.read(json, v.definition), Definition.class);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("version " + v.version + " of " + v.workflowId, e);
    }
  }

  private Uni<WorkflowVersion> version(
      Workflow w, String userId, Definition definition, OffsetDateTime now) {
    WorkflowVersion v = new WorkflowVersion();
    v.workflowId = w.id;
    v.version = w.version;
    v.tenantId = w.tenantId;
    v.definition = JsonColumns.write(json, definition);
    v.createdBy = userId;
    v.createdAt = now;
    return versions.persist(v);
  }
}
