package io.smbcopilot.workflow.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.quarkus.security.PermissionsAllowed;
import io.smallrye.mutiny.Uni;
import io.smbcopilot.problem.Page;
import io.smbcopilot.problem.Paging;
import io.smbcopilot.problem.ProblemException;
import io.smbcopilot.security.Permission;
import io.smbcopilot.security.TenantContext;
import io.smbcopilot.workflow.domain.Conversation;
import io.smbcopilot.workflow.domain.JsonColumns;
import io.smbcopilot.workflow.domain.Message;
import io.smbcopilot.workflow.repository.ConversationRepository;
import io.smbcopilot.workflow.repository.MessageRepository;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The caller's own conversations with the copilot: nobody else's is ever found. */
@Path("/api/v1/copilot/conversations")
@Tag(name = "copilot")
@Produces(MediaType.APPLICATION_JSON)
public class ConversationResource {
  public record ConversationView(
      UUID id, String title, OffsetDateTime createdAt, OffsetDateTime updatedAt) {
    static ConversationView of(Conversation c) {
      return new ConversationView(c.id, c.title, c.createdAt, c.updatedAt);
    }
  }

  public record MessageView(
      UUID id,
      String role,
      String content,
      JsonNode citations,
      JsonNode sources,
      Boolean abstained,
      String answerer,
      OffsetDateTime createdAt) {}

  public record ConversationDetail(
      UUID id,
      String title,
      OffsetDateTime createdAt,
      OffsetDateTime updatedAt,
      List<MessageView> messages) {}

  public record Rename(@NotBlank @Size(max = 200) String title) {}

  private final ConversationRepository conversations;
  private final MessageRepository messages;
  private final TenantContext context;
  private final ObjectMapper json;

  public ConversationResource(
      ConversationRepository conversations,
      MessageRepository messages,
      TenantContext context,
      ObjectMapper json) {
    this.conversations = conversations;
    this.messages = messages;
    this.context = context;
    this.json = json;
  }

  @GET
  @WithSession
  @PermissionsAllowed(Permission.Names.COPILOT_ASK)
  @Operation(summary = "Your conversations, most recently active first (limit, cursor)")
  @APIResponse(responseCode = "200", description = "a page of conversations")
  public Uni<Page<ConversationView>> list(
      @QueryParam("limit") Integer limit, @QueryParam("cursor") String cursor) {
    int size = Paging.limit(limit);
    return conversations
        .page(context.tenantId(), context.subject(), Paging.decodeTime(cursor), size)
        .map(
            list ->
                Page.of(
                    list.stream().map(ConversationView::of).toList(),
                    size,
                    c -> Paging.encode(new Paging.TimeCursor(c.updatedAt(), c.id()))));
  }

  @GET
  @Path("/{id}")
  @WithSession
  @PermissionsAllowed(Permission.Names.COPILOT_ASK)
  @Operation(summary = "One of your conversations with its messages, citations and sources")
  @APIResponse(responseCode = "200", description = "the conversation")
  @APIResponse(responseCode = "404", description = "no conversation of yours has this id")
  public Uni<ConversationDetail> get(@PathParam("id") UUID id) {
    return own(id)
        .chain(
            c ->
                messages
                    .of(c.id)
                    .map(
                        list ->
                            new ConversationDetail(
                                c.id,
                                c.title,
                                c.createdAt,
                                c.updatedAt,
                                list.stream().map(this::view).toList())));
  }

  @PATCH
  @Path("/{id}")
  @Consumes(MediaType.APPLICATION_JSON)
  @WithTransaction
  @PermissionsAllowed(Permission.Names.COPILOT_ASK)
  @Operation(summary = "Rename one of your conversations")
  @APIResponse(responseCode = "200", description = "renamed")
  @APIResponse(responseCode = "400", description = "no title, or one over 200 characters")
  @APIResponse(responseCode = "404", description = "no conversation of yours has this id")
  public Uni<ConversationView> rename(@PathParam("id") UUID id, @NotNull @Valid Rename rename) {
    return own(id)
        .map(
            c -> {
              c.title = rename.title().trim();
              return ConversationView.of(c);
            });
  }

  @DELETE
  @Path("/{id}")
  @WithTransaction
  @PermissionsAllowed(Permission.Names.COPILOT_ASK)
  @Operation(summary = "Delete one of your conversations and its messages")
  @APIResponse(responseCode = "204", description = "deleted")
  @APIResponse(responseCode = "404", description = "no conversation of yours has this id")
  public Uni<Response> delete(@PathParam("id") UUID id) {
    return own(id).chain(c -> conversations.delete(c)).map(ignored -> Response.noContent().build());
  }

  private Uni<Conversation> own(UUID id) {
    return conversations
        .own(context.tenantId(), context.subject(), id)
        .onItem()
        .ifNull()
        .failWith(() -> ProblemException.notFound("conversation " + id));
  }

  private MessageView view(Message m) {
    JsonNode answer = JsonColumns.read(json, m.answer);
    return new MessageView(
        m.id,
        m.role,
        m.content,
        answer == null ? null : answer.get("citations"),
        answer == null ? null : answer.get("sources"),
        m.abstained,
        m.answerer,
        m.createdAt);
  }
}
