package io.smbcopilot.ingestion.rest;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.security.PermissionsAllowed;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smbcopilot.ingestion.service.Caller;
import io.smbcopilot.ingestion.service.DocumentService;
import io.smbcopilot.ingestion.service.DocumentStream;
import io.smbcopilot.problem.Heartbeats;
import io.smbcopilot.problem.Page;
import io.smbcopilot.problem.Paging;
import io.smbcopilot.problem.ProblemException;
import io.smbcopilot.security.Permission;
import io.smbcopilot.security.TenantContext;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.ResponseHeader;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.RestMulti;
import org.jboss.resteasy.reactive.multipart.FileUpload;

@Path("/api/v1/documents")
@Tag(name = "knowledge")
@Produces(MediaType.APPLICATION_JSON)
public class DocumentResource {
  private final DocumentService documents;
  private final TenantContext context;
  private final DocumentStream stream;
  private final ObjectMapper json;
  private final Duration heartbeat;

  public DocumentResource(
      DocumentService documents,
      TenantContext context,
      DocumentStream stream,
      ObjectMapper json,
      @ConfigProperty(name = "copilot.documents.stream-heartbeat", defaultValue = "15s")
          Duration heartbeat) {
    this.documents = documents;
    this.context = context;
    this.stream = stream;
    this.json = json;
    this.heartbeat = heartbeat;
  }

  @GET
  @Path("/stream")
  @Produces(MediaType.SERVER_SENT_EVENTS)
  @PermissionsAllowed(Permission.Names.DOCUMENTS_READ)
  @ResponseHeader(name = "Cache-Control", value = "no-cache")
  @ResponseHeader(name = "X-Accel-Buffering", value = "no")
  @Operation(
      summary = "The documents you may read as they change (server-sent events)",
      description =
          "First a `ready` event: load the list then, it is live from there. Then a `document`"
              + " event for every change of a document's status or progress (the document as"
              + " GET /api/v1/documents/{id} gives it: status, chunksDone of chunksTotal, error),"
              + " made on any replica, and a `deleted` event (`{\"id\"}`) when one is deleted."
              + " `ready` comes again when changes may have been missed: load the list again."
              + " A `: heartbeat` comment every 15 s.")
  @APIResponse(responseCode = "200", description = "the stream")
  public Multi<OutboundSseEvent> stream(@Context Sse sse) {
    Multi<OutboundSseEvent> events =
        stream
            .follow(Caller.of(context))
            .map(
                change ->
                    switch (change) {
                      case DocumentStream.Ready r ->
                          sse.newEventBuilder().name("ready").data(String.class, "{}").build();
                      case DocumentStream.Changed c ->
                          sse.newEventBuilder()
                              .name("document")
                              .data(String.class, write(c.document()))
                              .build();
                      case DocumentStream.Deleted d ->
                          sse.newEventBuilder()
                              .name("deleted")
                              .data(String.class, "{\"id\":\"" + d.id() + "\"}")
                              .build();
                    });
    return Heartbeats.merge(
        events, heartbeat, () -> sse.newEventBuilder().comment("heartbeat").build());
  }

  private String write(DocumentService.Document document) {
    try {
      return json.writeValueAsString(document);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  @POST
  @Consumes(MediaType.MULTIPART_FORM_DATA)
  @PermissionsAllowed(Permission.Names.DOCUMENTS_WRITE)
  @Operation(
      summary = "Upload a document (multipart: file, optional title, collection, tags)",
      description =
          "The file streams to disk, never whole into memory; its type is detected from its"
              + " content. The same bytes again in the same collection answer the existing"
              + " document (200).")
  @APIResponse(responseCode = "202", description = "stored and queued for indexing")
  @APIResponse(responseCode = "200", description = "the same bytes were there already")
  @APIResponse(responseCode = "400", description = "no file, or an empty one")
  @APIResponse(responseCode = "403", description = "you may not add to that collection")
  @APIResponse(responseCode = "404", description = "no such collection you may read")
  @APIResponse(responseCode = "413", description = "larger than the limit")
  @APIResponse(responseCode = "415", description = "not a supported document type")
  public Uni<Response> upload(
      @RestForm("file") FileUpload file,
      @RestForm("title") String title,
      @RestForm("collection") String collection,
      @RestForm("tags") String tags) {
    if (file == null || file.uploadedFile() == null) {
      throw ProblemException.invalid("file", "a multipart part named file is required");
    }
    List<String> tagList =
        tags == null || tags.isBlank()
            ? List.of()
            : Arrays.stream(tags.split(",")).map(String::trim).filter(t -> !t.isEmpty()).toList();
    return documents
        .upload(
            Caller.of(context), file.uploadedFile(), file.fileName(), title, collection, tagList)
        .map(
            upload ->
                Response.status(upload.created() ? 202 : 200)
                    .location(URI.create("/api/v1/documents/" + upload.document().id()))
                    .entity(upload.document())
                    .build());
  }

  @GET
  @PermissionsAllowed(Permission.Names.DOCUMENTS_READ)
  @Operation(
      summary = "Documents you may read, newest first (collection, status, tag, limit, cursor)")
  @APIResponse(responseCode = "200", description = "a page of documents")
  public Uni<Page<DocumentService.Document>> list(
      @QueryParam("collection") String collection,
      @QueryParam("status") String status,
      @QueryParam("tag") String tag,
      @QueryParam("limit") Integer limit,
      @QueryParam("cursor") String cursor) {
    int size = Paging.limit(limit);
    return documents
        .list(
            Caller.of(context),
            collection,
            status == null || status.isBlank() ? null : status,
            tag == null || tag.isBlank() ? null : tag,
            Paging.decodeTime(cursor),
            size)
        .map(
            items ->
                Page.of(
                    items, size, d -> Paging.encode(new Paging.TimeCursor(d.createdAt(), d.id()))));
  }

  @GET
  @Path("/{id}")
  @PermissionsAllowed(Permission.Names.DOCUMENTS_READ)
  @Operation(summary = "One document: status, progress, pages, error")
  @APIResponse(responseCode = "200", description = "the document")
  @APIResponse(responseCode = "404", description = "no such document you may read")
  public Uni<DocumentService.Document> get(@PathParam("id") UUID id) {
    return documents.get(Caller.of(context), id);
  }

  @GET
  @Path("/{id}/content")
  @Produces(MediaType.APPLICATION_OCTET_STREAM)
  @PermissionsAllowed(Permission.Names.DOCUMENTS_READ)
  @Operation(summary = "The original file, with its name and type")
  @APIResponse(responseCode = "200", description = "the bytes as uploaded")
  @APIResponse(responseCode = "404", description = "no such document you may read")
  public RestMulti<byte[]> content(@PathParam("id") UUID id) {
    return RestMulti.fromUniResponse(
        documents.get(Caller.of(context), id),
        documents::content,
        document ->
            Map.of(
                "Content-Type",
                List.of(document.mediaType()),
                // no Content-Length: the pieces stream chunked, and an answer with both is refused
                // by proxies (the gateway's HTTP client answered 502 for small files)
                "Content-Disposition",
                List.of(
                    "attachment; filename*=UTF-8''"
                        + URLEncoder.encode(document.fileName(), StandardCharsets.UTF_8)
                            .replace("+", "%20"))));
  }

  @POST
  @Path("/{id}/reindex")
  @PermissionsAllowed(Permission.Names.DOCUMENTS_WRITE)
  @Operation(summary = "Parse, chunk, embed and index the document again")
  @APIResponse(responseCode = "202", description = "queued again")
  @APIResponse(responseCode = "403", description = "you may not change its collection")
  @APIResponse(responseCode = "404", description = "no such document you may read")
  @APIResponse(responseCode = "409", description = "it is being processed")
  public Uni<Response> reindex(@PathParam("id") UUID id) {
    return documents.reindex(Caller.of(context), id).map(d -> Response.accepted(d).build());
  }

  @DELETE
  @Path("/{id}")
  @PermissionsAllowed(Permission.Names.DOCUMENTS_WRITE)
  @Operation(summary = "Delete a document: its original, chunks and vectors")
  @APIResponse(responseCode = "204", description = "deleted")
  @APIResponse(responseCode = "404", description = "no such document you may read")
  public Uni<Void> delete(@PathParam("id") UUID id) {
    return documents.delete(Caller.of(context), id);
  }
}
