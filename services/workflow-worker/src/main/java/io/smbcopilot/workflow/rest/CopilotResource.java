package io.smbcopilot.workflow.rest;

import io.quarkus.security.PermissionsAllowed;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smbcopilot.security.Permission;
import io.smbcopilot.security.TenantContext;
import io.smbcopilot.workflow.copilot.AnswerEvent;
import io.smbcopilot.workflow.copilot.CopilotService;
import io.smbcopilot.workflow.copilot.ExtractiveAnswerer;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.ResponseHeader;

@Path("/api/v1/copilot")
@Tag(name = "copilot")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class CopilotResource {
  public record AskRequest(
      @NotBlank @Size(max = 2000) String question,
      @Schema(description = "continue this conversation of yours; without it a new one starts")
          UUID conversationId,
      @Schema(description = "collection ids or names; default: every collection you may read")
          @Size(max = 100)
          List<@NotBlank String> collections,
      @Size(max = 50) List<@NotBlank String> tags,
      @Size(max = 500) List<@NotNull UUID> documentIds) {}

  public record AskResponse(
      @Schema(description = "the answer; each claim ends with the number of its source, [n]")
          String answer,
      List<ExtractiveAnswerer.Citation> citations,
      @Schema(description = "true when the documents do not answer the question") boolean abstained,
      @Schema(description = "the passages the answer was drawn from, numbered as cited")
          List<ExtractiveAnswerer.Source> sources,
      UUID conversationId,
      UUID messageId,
      AnswerEvent.Usage usage,
      @Schema(description = "who answered: extractive (the embedded default), openai or anthropic")
          String answerer,
      @Schema(
              description =
                  "citation numbers the model wrote that were none of the sources, removed")
          int removedCitations,
      @Schema(description = "why the answerer is not the configured one (its provider failed)")
          String notice) {}

  private final CopilotService copilot;
  private final TenantContext context;
  private final StreamedAnswer streamed;

  public CopilotResource(CopilotService copilot, TenantContext context, StreamedAnswer streamed) {
    this.copilot = copilot;
    this.context = context;
    this.streamed = streamed;
  }

  @POST
  @Path("/ask")
  @PermissionsAllowed(Permission.Names.COPILOT_ASK)
  @Operation(
      summary = "Ask a question of your documents",
      description =
          "The answer is drawn from the passages of the documents you may read, every sentence"
              + " quoted and cited to its passage; when they do not answer, abstained is true and"
              + " the closest passages are given. With Accept: text/event-stream the answer is"
              + " streamed as server-sent events: sources, delta, citation, usage, done (error on"
              + " failure), with a heartbeat comment every 15 s.")
  @APIResponse(responseCode = "200", description = "the answer, its citations and sources")
  @APIResponse(responseCode = "400", description = "no question, or one over 2,000 characters")
  @APIResponse(
      responseCode = "404",
      description = "a conversation that is not yours, or a collection you may not read")
  public Uni<AskResponse> ask(
      @HeaderParam("Authorization") String authorization, @NotNull @Valid AskRequest request) {
    return prepare(authorization, request)
        .chain(prepared -> copilot.answer(prepared).collect().asList().map(this::response));
  }

  @POST
  @Path("/ask")
  @Produces(MediaType.SERVER_SENT_EVENTS)
  @PermissionsAllowed(Permission.Names.COPILOT_ASK)
  @Operation(hidden = true) // the same operation as the JSON answer, documented there
  // Static: Quarkus REST sends a RestMulti's own headers for every stream but server-sent events
  // (quarkusio/quarkus#44902).
  @ResponseHeader(name = "Cache-Control", value = "no-cache")
  @ResponseHeader(name = "X-Accel-Buffering", value = "no")
  public Multi<OutboundSseEvent> askStreaming(
      @HeaderParam("Authorization") String authorization,
      @NotNull @Valid AskRequest request,
      @Context Sse sse) {
    // Quarkus REST writes an event stream's head (200) at once, before the question is prepared
    // (quarkusio/quarkus#44904): a refusal (404, 400, 503) is the stream's error event, holding the
    // problem with its status. The JSON answer refuses with the status itself.
    return streamed.events(
        sse,
        Multi.createFrom()
            .uni(prepare(authorization, request))
            .onItem()
            .transformToMultiAndConcatenate(copilot::answer));
  }

  private Uni<CopilotService.Prepared> prepare(String authorization, AskRequest request) {
    return copilot.prepare(
        new CopilotService.Asker(
            context.tenantId(), context.subject(), authorization, context.token().plan()),
        request.question(),
        request.conversationId(),
        new CopilotService.Scope(request.collections(), request.tags(), request.documentIds()));
  }

  private AskResponse response(List<AnswerEvent> events) {
    List<ExtractiveAnswerer.Source> sources = List.of();
    AnswerEvent.Usage usage = AnswerEvent.Usage.NONE;
    AnswerEvent.Done done = null;
    for (AnswerEvent e : events) {
      switch (e) {
        case AnswerEvent.Sources s -> sources = s.sources();
        case AnswerEvent.Usage u -> usage = u;
        case AnswerEvent.Done d -> done = d;
        default -> {}
      }
    }
    if (done == null) {
      throw new IllegalStateException("the answer ended without done");
    }
    return new AskResponse(
        done.answer(),
        done.citations(),
        done.abstained(),
        sources,
        done.conversationId(),
        done.messageId(),
        usage,
        done.answerer(),
        done.removedCitations(),
        done.notice());
  }
}
