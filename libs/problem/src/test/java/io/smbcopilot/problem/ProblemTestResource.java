package io.smbcopilot.problem;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.NotBlank;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;

/** Endpoints that fail in each way the mappers handle (test-only). */
@Path("/test-problems")
public class ProblemTestResource {

  public record Signup(@NotBlank String tenantName, @NotBlank @Email String email, int seats) {}

  @POST
  @Path("/signup")
  @Consumes(MediaType.APPLICATION_JSON)
  public Signup signup(@Valid Signup body) {
    return body;
  }

  public record Note(com.fasterxml.jackson.databind.JsonNode data) {}

  @POST
  @Path("/notes")
  @Consumes(MediaType.APPLICATION_JSON)
  public Note note(Note body) {
    return body;
  }

  @GET
  @Path("/items")
  public List<String> items(@QueryParam("limit") @Max(100) int limit) {
    return List.of();
  }

  @GET
  @Path("/items/{id}")
  public String item(@PathParam("id") String id) {
    throw ProblemException.notFound("item " + id);
  }

  @GET
  @Path("/conflict")
  public String conflict() {
    throw new ProblemException(ProblemType.CONFLICT, "the email is already registered");
  }

  /** A call to another service that closed the connection before it answered (it was killed). */
  @GET
  @Path("/away")
  public String away() {
    throw new IllegalStateException(
        "the search failed", new io.vertx.core.http.HttpClosedException("Connection was closed"));
  }

  /** A query while PostgreSQL shuts down. */
  @GET
  @Path("/database-away")
  public String databaseAway() {
    throw new io.vertx.sqlclient.DatabaseException(
        "FATAL: the database system is shutting down", 0, "57P03") {};
  }

  /** A query refused for what it asked (a unique key): the request's fault or ours, not a 503. */
  @GET
  @Path("/database-refused")
  public String databaseRefused() {
    throw new io.vertx.sqlclient.DatabaseException(
        "ERROR: duplicate key value violates unique constraint", 0, "23505") {};
  }

  @GET
  @Path("/boom")
  public String boom() {
    throw new IllegalStateException("secret internals: password=hunter2 at db.example:5432");
  }
}
