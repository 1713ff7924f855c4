package io.smbcopilot.workflow.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.security.PermissionsAllowed;
import io.smallrye.mutiny.Uni;
import io.smbcopilot.problem.Page;
import io.smbcopilot.problem.Paging;
import io.smbcopilot.problem.ProblemException;
import io.smbcopilot.security.Permission;
import io.smbcopilot.security.TenantContext;
import io.smbcopilot.workflow.copilot.Answerers;
import io.smbcopilot.workflow.copilot.CopilotService;
import io.smbcopilot.workflow.copilot.Evaluator;
import io.smbcopilot.workflow.copilot.ModelSettings;
import io.smbcopilot.workflow.domain.Evaluation;
import io.smbcopilot.workflow.domain.JsonColumns;
import io.smbcopilot.workflow.repository.EvaluationRepository;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The copilot's built-in evaluation (admins): a set of questions with the facts their answers must
 * hold, and questions that must be refused, run through the ask path with the tenant's current
 * settings; each run is kept, so a settings change can be compared with the last.
 */
@Path("/api/v1/copilot/evaluations")
@Tag(name = "copilot")
@Produces(MediaType.APPLICATION_JSON)
public class EvaluationResource {
  public record EvaluationQuestion(
      @NotBlank @Size(max = 2000) String question,
      @Schema(description = "a fact the answer must hold; leave out for a question to be refused")
          @Size(min = 1, max = 500)
          String expected) {}

  public record EvaluationRequest(
      @Size(max = 200) String name,
      @NotNull @Size(min = 1, max = 200) List<@NotNull @Valid EvaluationQuestion> questions,
      @Size(max = 100) List<@NotBlank String> collections,
      @Size(max = 50) List<@NotBlank String> tags) {}

  public record EvaluationSummary(
      UUID id,
      String name,
      String answerer,
      String model,
      JsonNode totals,
      OffsetDateTime createdAt) {}

  public record EvaluationView(
      UUID id,
      String name,
      String answerer,
      String model,
      JsonNode totals,
      JsonNode results,
      OffsetDateTime createdAt) {}

  private final Evaluator evaluator;
  private final EvaluationRepository evaluations;
  private final Answerers answerers;
  private final TenantContext context;
  private final ObjectMapper json;

  public EvaluationResource(
      CopilotService copilot,
      EvaluationRepository evaluations,
      Answerers answerers,
      TenantContext context,
      ObjectMapper json) {
    this.evaluator = new Evaluator(copilot);
    this.evaluations = evaluations;
    this.answerers = answerers;
    this.context = context;
    this.json = json;
  }

  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  @PermissionsAllowed(Permission.Names.TENANT_MANAGE)
  @Operation(
      summary = "Run an evaluation set through the copilot",
      description =
          "Each question is asked as a member would ask it, with the tenant's current settings."
              + " Reported per question and in total: answer correctness (the expected fact is in"
              + " the answer), citation validity (every citation is one of the passages the"
              + " answerer was given), citation support (a cited passage holds the fact), refusal"
              + " of unanswerable questions, wrongful refusals. The run is kept.")
  @APIResponse(
      responseCode = "201",
      description = "the run, with its totals and results",
      content = @Content(schema = @Schema(implementation = EvaluationView.class)))
  @APIResponse(responseCode = "400", description = "no questions, over 200, or an empty one")
  @APIResponse(responseCode = "403", description = "not an admin")
  public Uni<Response> run(
      @HeaderParam("Authorization") String authorization,
      @NotNull @Valid EvaluationRequest request) {
    UUID tenant = context.tenantId();
    String user = context.subject();
    String plan = context.token().plan();
    List<Evaluator.Question> questions =
        request.questions().stream()
            .map(q -> new Evaluator.Question(q.question(), q.expected()))
            .toList();
    return answerers
        .forTenant(tenant)
        .chain(
            settings ->
                evaluator
                    .run(
                        new CopilotService.Asker(tenant, user, authorization, plan),
                        new CopilotService.Scope(request.collections(), request.tags(), null),
                        questions)
                    .chain(
                        results -> {
                          Evaluation e = new Evaluation();
                          e.id = UUID.randomUUID();
                          e.tenantId = tenant;
                          e.userId = user;
                          e.name = request.name();
                          e.answerer =
                              settings.extractive()
                                  ? ModelSettings.EXTRACTIVE
                                  : settings.provider();
                          e.model = settings.extractive() ? null : settings.model();
                          e.totals = JsonColumns.write(json, Evaluator.totals(results));
                          e.results = JsonColumns.write(json, Map.of("questions", results));
                          e.createdAt =
                              OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
                          return Panache.withTransaction(() -> evaluations.persist(e));
                        }))
        .map(
            e ->
                Response.status(Response.Status.CREATED)
                    .header("Location", "/api/v1/copilot/evaluations/" + e.id)
                    .entity(view(e))
                    .build());
  }

  @GET
  @WithSession
  @PermissionsAllowed(Permission.Names.TENANT_MANAGE)
  @Operation(summary = "The tenant's evaluation runs, newest first, with their totals")
  @APIResponse(responseCode = "200", description = "a page of runs")
  public Uni<Page<EvaluationSummary>> list(
      @QueryParam("limit") Integer limit, @QueryParam("cursor") String cursor) {
    int size = Paging.limit(limit);
    return evaluations
        .page(context.tenantId(), Paging.decodeTime(cursor), size)
        .map(
            list ->
                Page.of(
                    list.stream()
                        .map(
                            e ->
                                new EvaluationSummary(
                                    e.id,
                                    e.name,
                                    e.answerer,
                                    e.model,
                                    JsonColumns.read(json, e.totals),
                                    e.createdAt))
                        .toList(),
                    size,
                    s -> Paging.encode(new Paging.TimeCursor(s.createdAt(), s.id()))));
  }

  @GET
  @Path("/{id}")
  @WithSession
  @PermissionsAllowed(Permission.Names.TENANT_MANAGE)
  @Operation(summary = "One evaluation run with each question's result")
  @APIResponse(responseCode = "200", description = "the run")
  @APIResponse(responseCode = "404", description = "no such run in this tenant")
  public Uni<EvaluationView> get(@PathParam("id") UUID id) {
    return evaluations
        .ofTenant(context.tenantId(), id)
        .onItem()
        .ifNull()
        .failWith(() -> ProblemException.notFound("evaluation " + id))
        .map(this::view);
  }

  private EvaluationView view(Evaluation e) {
    return new EvaluationView(
        e.id,
        e.name,
        e.answerer,
        e.model,
        JsonColumns.read(json, e.totals),
        JsonColumns.read(json, e.results).get("questions"),
        e.createdAt);
  }
}
