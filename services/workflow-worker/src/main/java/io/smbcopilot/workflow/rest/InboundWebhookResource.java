package io.smbcopilot.workflow.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.standardwebhooks.Webhook;
import com.standardwebhooks.exceptions.WebhookVerificationException;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.smbcopilot.problem.ProblemException;
import io.smbcopilot.problem.ProblemType;
import io.smbcopilot.security.SecretCipher;
import io.smbcopilot.workflow.domain.Workflow;
import io.smbcopilot.workflow.repository.WorkflowRepository;
import io.smbcopilot.workflow.repository.WorkflowVersionRepository;
import io.smbcopilot.workflow.workflows.Definition;
import io.smbcopilot.workflow.workflows.RunEngine;
import io.smbcopilot.workflow.workflows.WorkflowService;
import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * A workflow's webhook trigger: a call signed with the workflow's secret as the Standard Webhooks
 * specification says ({@code webhook-id}, {@code webhook-timestamp} within five minutes, {@code
 * webhook-signature}), verified with its reference library, starts a run with the JSON body as
 * {@code trigger}, once per {@code webhook-id}. No sign-in: the signature is the credential, and
 * the workflow (so the tenant) is the one whose secret verifies it.
 */
@Path("/api/v1/hooks/workflows")
@Tag(name = "workflows")
@Produces(MediaType.APPLICATION_JSON)
public class InboundWebhookResource {
  /** The largest body a call may carry. */
  static final int MAX_BODY = 256 * 1024;

  private final WorkflowRepository workflows;
  private final WorkflowVersionRepository versions;
  private final WorkflowService service;
  private final RunEngine engine;
  private final SecretCipher cipher;
  private final ObjectMapper json;

  public InboundWebhookResource(
      WorkflowRepository workflows,
      WorkflowVersionRepository versions,
      WorkflowService service,
      RunEngine engine,
      SecretCipher cipher,
      ObjectMapper json) {
    this.workflows = workflows;
    this.versions = versions;
    this.service = service;
    this.engine = engine;
    this.cipher = cipher;
    this.json = json;
  }

  @POST
  @Path("/{id}")
  @PermitAll
  @Operation(
      summary = "Start a workflow by its webhook trigger (signed, no sign-in)",
      description =
          "Signed as Standard Webhooks says, with the secret shown when the trigger was made:"
              + " webhook-signature is v1, and the base64 of HMAC-SHA256 over"
              + " webhook-id.webhook-timestamp.body. The JSON body is the run's trigger; a"
              + " webhook-id sent again answers the run it started (200).")
  @APIResponse(responseCode = "202", description = "a run started")
  @APIResponse(responseCode = "200", description = "this webhook-id started this run before")
  @APIResponse(responseCode = "400", description = "the body is not JSON")
  @APIResponse(
      responseCode = "401",
      description = "the signature does not verify, or the timestamp is not within five minutes")
  @APIResponse(
      responseCode = "404",
      description = "no enabled workflow with a webhook trigger has this id")
  @APIResponse(responseCode = "413", description = "the body is longer than 256 KiB")
  public Uni<Response> call(
      @PathParam("id") UUID id,
      @HeaderParam("webhook-id") String messageId,
      @HeaderParam("webhook-timestamp") String timestamp,
      @HeaderParam("webhook-signature") String signature,
      byte[] body) {
    byte[] bytes = body == null ? new byte[0] : body;
    if (bytes.length > MAX_BODY) {
      throw new ProblemException(
          ProblemType.PAYLOAD_TOO_LARGE, "the body is longer than " + MAX_BODY + " bytes");
    }
    String payload = new String(bytes, StandardCharsets.UTF_8);
    return Panache.withTransaction(
            () ->
                workflows
                    .findById(id)
                    .chain(
                        w -> {
                          if (w == null
                              || !w.enabled
                              || w.deletedAt != null
                              || w.webhookSecret == null) {
                            throw notFound(id);
                          }
                          return versions
                              .of(w.tenantId, w.id, w.version)
                              .chain(
                                  v -> {
                                    Definition definition = service.definition(v);
                                    if (definition.trigger() == null
                                        || !"webhook".equals(definition.trigger().type())) {
                                      throw notFound(id);
                                    }
                                    verify(w, payload, messageId, timestamp, signature);
                                    JsonNode data = parse(payload);
                                    String key = "webhook/" + messageId;
                                    return engine.startOnce(
                                        w, definition, data, "webhook", w.ownerId, key);
                                  });
                        }))
        .invoke(engine::wakeIfQueued)
        .map(started -> RunViews.answer(json, started).build());
  }

  private static ProblemException notFound(UUID id) {
    return ProblemException.notFound("workflow webhook " + id);
  }

  private void verify(
      Workflow w, String payload, String messageId, String timestamp, String signature) {
    if (messageId == null || timestamp == null || signature == null) {
      throw unauthorized("webhook-id, webhook-timestamp and webhook-signature are required");
    }
    try {
      new Webhook(cipher.decrypt(w.tenantId, w.webhookSecret))
          .verify(
              payload,
              Map.of(
                  "webhook-id", List.of(messageId),
                  "webhook-timestamp", List.of(timestamp),
                  "webhook-signature", List.of(signature)));
    } catch (WebhookVerificationException e) {
      throw unauthorized("the call is not signed with the workflow's secret: " + e.getMessage());
    }
  }

  private static ProblemException unauthorized(String detail) {
    return new ProblemException(ProblemType.UNAUTHORIZED, detail);
  }

  private JsonNode parse(String payload) {
    if (payload.isBlank()) {
      return json.createObjectNode();
    }
    try {
      return json.readTree(payload);
    } catch (IOException e) {
      throw ProblemException.invalid("body", "is not JSON");
    }
  }
}
