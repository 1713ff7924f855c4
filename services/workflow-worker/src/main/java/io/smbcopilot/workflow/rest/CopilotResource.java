package io.smbcopilot.workflow.rest;

import io.quarkus.security.PermissionsAllowed;
import io.smallrye.mutiny.Uni;
import io.smbcopilot.security.Permission;
import io.smbcopilot.security.TenantContext;
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
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

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

  /** Tokens an answer cost; the extractive answerer calls no model. */
  public record Usage(long inputTokens, long outputTokens, boolean estimated) {}

  public record AskResponse(
      @Schema(description = "the answer; each claim ends with the number of its source, [n]")
          String answer,
      List<ExtractiveAnswerer.Citation> citations,
      @Schema(description = "true when the documents do not answer the question") boolean abstained,
      @Schema(description = "the passages the answer was drawn from, numbered as cited")
          List<ExtractiveAnswerer.Source> sources,
      UUID conversationId,
      UUID messageId,
      Usage usage,
      @Schema(description = "who answered: extractive (the embedded default)") String answerer) {}

  private final CopilotService copilot;
  private final TenantContext context;

  public CopilotResource(CopilotService copilot, TenantContext context) {
    this.copilot = copilot;
    this.context = context;
  }

  @POST
  @Path("/ask")
  @PermissionsAllowed(Permission.Names.COPILOT_ASK)
  @Operation(
      summary = "Ask a question of your documents",
      description =
          "The answer is drawn from the passages of the documents you may read, every sentence"
              + " quoted and cited to its passage; when they do not answer, abstained is true and"
              + " the closest passages are given.")
  @APIResponse(responseCode = "200", description = "the answer, its citations and sources")
  @APIResponse(responseCode = "400", description = "no question, or one over 2,000 characters")
  @APIResponse(
      responseCode = "404",
      description = "a conversation that is not yours, or a collection you may not read")
  public Uni<AskResponse> ask(
      @HeaderParam("Authorization") String authorization, @NotNull @Valid AskRequest request) {
    return copilot
        .ask(
            new CopilotService.Asker(context.tenantId(), context.subject(), authorization),
            request.question(),
            request.conversationId(),
            new CopilotService.Scope(request.collections(), request.tags(), request.documentIds()))
        .map(
            asked ->
                new AskResponse(
                    asked.answer().text(),
                    asked.answer().citations(),
                    asked.answer().abstained(),
                    asked.answer().sources(),
                    asked.conversationId(),
                    asked.messageId(),
                    new Usage(0, 0, false),
                    ExtractiveAnswerer.NAME));
  }
}
