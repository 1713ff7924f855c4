package io.smbcopilot.notifications.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.quarkus.security.PermissionsAllowed;
import io.smallrye.mutiny.Uni;
import io.smbcopilot.notifications.domain.WebhookAttempt;
import io.smbcopilot.notifications.domain.WebhookEndpoint;
import io.smbcopilot.notifications.domain.WebhookMessage;
import io.smbcopilot.notifications.repository.WebhookAttemptRepository;
import io.smbcopilot.notifications.repository.WebhookEndpointRepository;
import io.smbcopilot.notifications.repository.WebhookMessageRepository;
import io.smbcopilot.notifications.webhooks.Deliveries;
import io.smbcopilot.notifications.webhooks.EndpointUrls;
import io.smbcopilot.notifications.webhooks.EventCatalog;
import io.smbcopilot.notifications.webhooks.WebhookSettings;
import io.smbcopilot.notifications.webhooks.WebhookSigner;
import io.smbcopilot.problem.Page;
import io.smbcopilot.problem.Paging;
import io.smbcopilot.problem.ProblemException;
import io.smbcopilot.problem.ProblemType;
import io.smbcopilot.security.Permission;
import io.smbcopilot.security.SecretCipher;
import io.smbcopilot.security.TenantContext;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
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
import java.util.LinkedHashSet;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The tenant's partner webhook endpoints (admins, {@code webhooks:manage}): register, list, change,
 * delete, rotate the signing secret. The secret is shown once, when it is made; it is kept
 * encrypted.
 */
@Path("/api/v1/webhooks")
@Tag(name = "webhooks")
@Produces(MediaType.APPLICATION_JSON)
@PermissionsAllowed(Permission.Names.WEBHOOKS_MANAGE)
public class WebhookResource {
  private static final TypeReference<java.util.Map<String, List<String>>> TYPES =
      new TypeReference<>() {};

  public record CreateRequest(
      @NotBlank @Size(max = 2000) String url,
      @Size(max = 500) String description,
      @Schema(description = "the event types to deliver; empty or left out: every type")
          @Size(max = 50)
          List<@NotBlank String> eventTypes,
      @Schema(description = "default true") Boolean enabled) {}

  public record UpdateRequest(
      @Size(max = 2000) String url,
      @Size(max = 500) String description,
      @Size(max = 50) List<@NotBlank String> eventTypes,
      Boolean enabled) {}

  @Schema(name = "WebhookEndpoint")
  public record EndpointView(
      UUID id,
      String url,
      String description,
      List<String> eventTypes,
      boolean enabled,
      @Schema(description = "why the platform disabled it, or null") String disabledReason,
      @Schema(description = "until when the previous secret still signs, after a rotation")
          OffsetDateTime previousSecretExpiresAt,
      OffsetDateTime createdAt,
      OffsetDateTime updatedAt) {}

  @Schema(name = "WebhookEndpointCreated")
  public record Created(
      EndpointView endpoint,
      @Schema(description = "the signing secret (whsec_...), shown this once") String secret) {}

  @Schema(name = "WebhookSecretRotated")
  public record Rotated(
      @Schema(description = "the new signing secret, shown this once") String secret,
      @Schema(description = "the previous secret signs too until then")
          OffsetDateTime previousSecretExpiresAt) {}

  @Schema(name = "WebhookAttempt")
  public record AttemptView(
      OffsetDateTime attemptedAt,
      @Schema(description = "the receiver's status; null when no answer came") Integer statusCode,
      int durationMs,
      @Schema(description = "the first 4 KB of the receiver's answer") String response,
      String error) {}

  @Schema(name = "WebhookDelivery")
  public record DeliveryView(
      @Schema(description = "the webhook-id every attempt carries") String id,
      String eventType,
      String eventId,
      @Schema(description = "pending, delivered or failed") String status,
      int attempts,
      OffsetDateTime nextAttemptAt,
      OffsetDateTime createdAt,
      OffsetDateTime updatedAt,
      List<AttemptView> log) {}

  @Schema(name = "WebhookDeliveryQueued")
  public record Queued(String id, String status) {}

  private final WebhookEndpointRepository endpoints;
  private final WebhookMessageRepository messages;
  private final WebhookAttemptRepository attemptLog;
  private final Deliveries deliveries;
  private final EndpointUrls urls;
  private final SecretCipher cipher;
  private final WebhookSettings settings;
  private final TenantContext context;
  private final ObjectMapper json;

  public WebhookResource(
      WebhookEndpointRepository endpoints,
      EndpointUrls urls,
      SecretCipher cipher,
      WebhookSettings settings,
      TenantContext context,
      ObjectMapper json,
      WebhookMessageRepository messages,
      WebhookAttemptRepository attemptLog,
      Deliveries deliveries) {
    this.endpoints = endpoints;
    this.messages = messages;
    this.attemptLog = attemptLog;
    this.deliveries = deliveries;
    this.urls = urls;
    this.cipher = cipher;
    this.settings = settings;
    this.context = context;
    this.json = json;
  }

  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  @WithTransaction
  @Operation(
      summary = "Register a webhook endpoint",
      description =
          "The URL must be https to a public host (loopback, private, link-local, carrier-grade"
              + " NAT and metadata addresses are refused unless the operator allows the host)."
              + " Deliveries are signed as the Standard Webhooks specification says; the secret"
              + " is in this answer only.")
  @APIResponse(
      responseCode = "201",
      description = "the endpoint and its secret",
      content = @Content(schema = @Schema(implementation = Created.class)))
  @APIResponse(
      responseCode = "400",
      description = "a URL that is not https, or reaches an internal address; an unknown type")
  @APIResponse(responseCode = "403", description = "not allowed to manage webhooks")
  @APIResponse(responseCode = "409", description = "the tenant has as many endpoints as allowed")
  public Uni<Response> create(@NotNull @Valid CreateRequest request) {
    String url = urls.check("body.url", request.url());
    String types = types(request.eventTypes());
    UUID tenant = context.tenantId();
    String secret = WebhookSigner.newSecret();
    return endpoints
        .countOf(tenant)
        .chain(
            n -> {
              if (n >= settings.maxEndpoints()) {
                throw new ProblemException(
                    ProblemType.CONFLICT,
                    "the tenant has "
                        + n
                        + " webhook endpoints, as many as allowed; delete one first");
              }
              OffsetDateTime now = now();
              WebhookEndpoint e = new WebhookEndpoint();
              e.id = UUID.randomUUID();
              e.tenantId = tenant;
              e.url = url;
              e.description = blankToNull(request.description());
              e.eventTypes = types;
              e.enabled = request.enabled() == null || request.enabled();
              e.secretEncrypted = cipher.encrypt(tenant, secret);
              e.createdBy = context.subject();
              e.createdAt = now;
              e.updatedAt = now;
              return endpoints.persist(e);
            })
        .map(
            e ->
                Response.status(Response.Status.CREATED)
                    .entity(new Created(view(e), secret))
                    .build());
  }

  @GET
  @WithSession
  @Operation(summary = "The tenant's webhook endpoints, newest first (secrets never shown)")
  @APIResponse(responseCode = "200", description = "a page of endpoints")
  @APIResponse(responseCode = "400", description = "a bad limit or cursor")
  public Uni<Page<EndpointView>> list(
      @QueryParam("limit") Integer limit, @QueryParam("cursor") String cursor) {
    int size = Paging.limit(limit);
    Paging.TimeCursor after = Paging.decodeTime(cursor);
    return endpoints
        .page(context.tenantId(), after, size)
        .map(
            found ->
                Page.of(
                    found.stream().map(this::view).toList(),
                    size,
                    v -> Paging.encode(new Paging.TimeCursor(v.createdAt(), v.id()))));
  }

  @GET
  @Path("/{id}")
  @WithSession
  @Operation(summary = "One webhook endpoint (its secret never shown)")
  @APIResponse(responseCode = "200", description = "the endpoint")
  @APIResponse(responseCode = "404", description = "no such endpoint in this tenant")
  public Uni<EndpointView> get(@PathParam("id") UUID id) {
    return own(id).map(this::view);
  }

  @PATCH
  @Path("/{id}")
  @Consumes(MediaType.APPLICATION_JSON)
  @WithTransaction
  @Operation(
      summary = "Change a webhook endpoint: its URL, description, event types, enabled",
      description = "Enabling an endpoint the platform disabled clears the reason.")
  @APIResponse(responseCode = "200", description = "the endpoint as it is now")
  @APIResponse(responseCode = "400", description = "as for creating one")
  @APIResponse(responseCode = "404", description = "no such endpoint in this tenant")
  public Uni<EndpointView> update(@PathParam("id") UUID id, @NotNull @Valid UpdateRequest request) {
    String url = request.url() == null ? null : urls.check("body.url", request.url());
    String types = request.eventTypes() == null ? null : types(request.eventTypes());
    return own(id)
        .map(
            e -> {
              if (url != null) {
                e.url = url;
              }
              if (request.description() != null) {
                e.description = blankToNull(request.description());
              }
              if (types != null) {
                e.eventTypes = types;
              }
              if (request.enabled() != null) {
                e.enabled = request.enabled();
                if (e.enabled) {
                  e.disabledReason = null;
                }
              }
              e.updatedAt = now();
              return view(e);
            });
  }

  @DELETE
  @Path("/{id}")
  @WithTransaction
  @Operation(summary = "Delete a webhook endpoint; nothing more is sent to it")
  @APIResponse(responseCode = "204", description = "deleted")
  @APIResponse(responseCode = "404", description = "no such endpoint in this tenant")
  public Uni<Response> delete(@PathParam("id") UUID id) {
    return own(id).chain(e -> endpoints.delete(e)).map(ignored -> Response.noContent().build());
  }

  @POST
  @Path("/{id}/rotate-secret")
  @WithTransaction
  @Operation(
      summary = "Rotate the endpoint's signing secret",
      description =
          "A new secret signs from now on; the previous one signs too (a second signature in the"
              + " same header) for the grace period, so the receiver can switch without losing a"
              + " delivery. A rotation during the grace period ends the older secret's.")
  @APIResponse(responseCode = "200", description = "the new secret, shown this once")
  @APIResponse(responseCode = "404", description = "no such endpoint in this tenant")
  public Uni<Rotated> rotate(@PathParam("id") UUID id) {
    String secret = WebhookSigner.newSecret();
    return own(id)
        .map(
            e -> {
              OffsetDateTime now = now();
              e.previousSecretEncrypted = e.secretEncrypted;
              e.previousSecretExpiresAt = now.plus(settings.rotationGrace());
              e.secretEncrypted = cipher.encrypt(e.tenantId, secret);
              e.updatedAt = now;
              return new Rotated(secret, e.previousSecretExpiresAt);
            });
  }

  @POST
  @Path("/{id}/test")
  @Operation(
      summary = "Send a test event to the endpoint",
      description =
          "An io.smbcopilot.webhook.test.v1 event, signed and retried like any other; its"
              + " attempts are in the delivery log.")
  @APIResponse(
      responseCode = "202",
      description = "queued; the id is its webhook-id",
      content = @Content(schema = @Schema(implementation = Queued.class)))
  @APIResponse(responseCode = "404", description = "no such endpoint in this tenant")
  @APIResponse(responseCode = "409", description = "the endpoint is disabled")
  public Uni<Response> test(@PathParam("id") UUID id) {
    return Panache.withTransaction(() -> ownEnabled(id).chain(deliveries::test))
        .invoke(deliveries::wake)
        .map(WebhookResource::queued);
  }

  @GET
  @Path("/{id}/deliveries")
  @WithSession
  @Operation(summary = "The endpoint's delivery log, newest first: each message with its attempts")
  @APIResponse(responseCode = "200", description = "a page of deliveries")
  @APIResponse(responseCode = "400", description = "a bad limit or cursor")
  @APIResponse(responseCode = "404", description = "no such endpoint in this tenant")
  public Uni<Page<DeliveryView>> deliveries(
      @PathParam("id") UUID id,
      @QueryParam("limit") Integer limit,
      @QueryParam("cursor") String cursor) {
    int size = Paging.limit(limit);
    Paging.TimeCursor after = Paging.decodeTime(cursor);
    UUID tenant = context.tenantId();
    return own(id)
        .chain(e -> messages.page(tenant, e.id, after, size))
        .chain(
            found ->
                attemptLog
                    .of(tenant, found.stream().map(m -> m.id).toList())
                    .map(
                        log ->
                            Page.of(
                                found.stream().map(m -> delivery(m, log)).toList(),
                                size,
                                d ->
                                    Paging.encode(
                                        new Paging.TimeCursor(
                                            d.createdAt(),
                                            UUID.fromString(d.id().substring(4)))))));
  }

  @POST
  @Path("/{id}/deliveries/{messageId}/redeliver")
  @Operation(
      summary = "Send a delivery again, from the start of the retry schedule, with the same id")
  @APIResponse(
      responseCode = "202",
      description = "queued",
      content = @Content(schema = @Schema(implementation = Queued.class)))
  @APIResponse(responseCode = "404", description = "no such endpoint or delivery in this tenant")
  public Uni<Response> redeliver(
      @PathParam("id") UUID id, @PathParam("messageId") String messageId) {
    UUID tenant = context.tenantId();
    return Panache.withTransaction(
            () ->
                own(id)
                    .chain(e -> messages.own(tenant, e.id, messageId))
                    .onItem()
                    .ifNull()
                    .failWith(() -> ProblemException.notFound("delivery " + messageId))
                    .chain(deliveries::redeliver))
        .invoke(deliveries::wake)
        .map(WebhookResource::queued);
  }

  public record ReplayRequest(
      @Schema(description = "send again every delivery made at or after this time") @NotNull
          OffsetDateTime since) {}

  @Schema(name = "WebhookReplay")
  public record Replayed(@Schema(description = "deliveries queued again") int queued) {}

  /** Deliveries one replay queues at most. */
  static final int REPLAY_MAX = 5_000;

  @POST
  @Path("/{id}/replay")
  @Consumes(MediaType.APPLICATION_JSON)
  @Operation(
      summary = "Send again every delivery to the endpoint made since a time",
      description =
          "Delivered and failed ones alike, oldest first, each with its own webhook-id, from the"
              + " start of the retry schedule (at most 5,000 at a time; 30 days back at most).")
  @APIResponse(responseCode = "202", description = "how many were queued")
  @APIResponse(
      responseCode = "400",
      description = "no time, one in the future or too far back, or too many")
  @APIResponse(responseCode = "404", description = "no such endpoint in this tenant")
  @APIResponse(responseCode = "409", description = "the endpoint is disabled")
  public Uni<Response> replay(@PathParam("id") UUID id, @NotNull @Valid ReplayRequest request) {
    OffsetDateTime now = now();
    if (request.since().isAfter(now) || request.since().isBefore(now.minusDays(30))) {
      throw ProblemException.invalid("body.since", "must be within the last 30 days");
    }
    UUID tenant = context.tenantId();
    return Panache.withTransaction(
            () ->
                ownEnabled(id)
                    .chain(e -> messages.since(tenant, e.id, request.since(), REPLAY_MAX + 1))
                    .chain(
                        found -> {
                          if (found.size() > REPLAY_MAX) {
                            throw ProblemException.invalid(
                                "body.since",
                                "more than "
                                    + REPLAY_MAX
                                    + " deliveries were made since then; replay a shorter time");
                          }
                          Uni<Void> chain = Uni.createFrom().voidItem();
                          for (WebhookMessage m : found) {
                            chain = chain.chain(() -> deliveries.redeliver(m).replaceWithVoid());
                          }
                          return chain.replaceWith(found.size());
                        }))
        .invoke(deliveries::wake)
        .map(n -> Response.status(Response.Status.ACCEPTED).entity(new Replayed(n)).build());
  }

  private static DeliveryView delivery(WebhookMessage m, List<WebhookAttempt> log) {
    return new DeliveryView(
        m.id,
        m.eventType,
        m.eventId,
        m.status,
        m.attempts,
        m.nextAttemptAt,
        m.createdAt,
        m.updatedAt,
        log.stream()
            .filter(a -> a.messageId.equals(m.id))
            .map(
                a ->
                    new AttemptView(a.attemptedAt, a.statusCode, a.durationMs, a.response, a.error))
            .toList());
  }

  private static Response queued(WebhookMessage m) {
    return Response.status(Response.Status.ACCEPTED).entity(new Queued(m.id, m.status)).build();
  }

  /** The tenant's endpoint, refused with 409 when it is disabled. */
  private Uni<WebhookEndpoint> ownEnabled(UUID id) {
    return own(id)
        .invoke(
            e -> {
              if (!e.enabled) {
                throw new ProblemException(
                    ProblemType.CONFLICT, "the endpoint is disabled; enable it first");
              }
            });
  }

  private Uni<WebhookEndpoint> own(UUID id) {
    return endpoints
        .own(context.tenantId(), id)
        .onItem()
        .ifNull()
        .failWith(() -> ProblemException.notFound("webhook endpoint " + id));
  }

  /** The types as stored: known, without repeats, in the order given. */
  private String types(List<String> requested) {
    LinkedHashSet<String> types = new LinkedHashSet<>();
    if (requested != null) {
      for (String t : requested) {
        String type = t.trim();
        if (!EventCatalog.TYPES.contains(type)) {
          throw ProblemException.invalid(
              "body.eventTypes",
              "has an unknown event type " + type + " (known: " + EventCatalog.TYPES + ")");
        }
        types.add(type);
      }
    }
    try {
      return json.writeValueAsString(java.util.Map.of("types", List.copyOf(types)));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private EndpointView view(WebhookEndpoint e) {
    List<String> types;
    try {
      types = json.readValue(e.eventTypes, TYPES).getOrDefault("types", List.of());
    } catch (JsonProcessingException ex) {
      throw new IllegalStateException("an endpoint's event types are not a JSON list", ex);
    }
    OffsetDateTime previous =
        e.previousSecretExpiresAt != null && e.previousSecretExpiresAt.isAfter(now())
            ? e.previousSecretExpiresAt
            : null;
    return new EndpointView(
        e.id,
        e.url,
        e.description,
        types,
        e.enabled,
        e.disabledReason,
        previous,
        e.createdAt,
        e.updatedAt);
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }

  private static OffsetDateTime now() {
    return OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
  }
}
