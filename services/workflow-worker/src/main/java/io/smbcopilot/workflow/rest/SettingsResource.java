package io.smbcopilot.workflow.rest;

import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.quarkus.security.PermissionsAllowed;
import io.smallrye.mutiny.Uni;
import io.smbcopilot.problem.ProblemException;
import io.smbcopilot.security.Permission;
import io.smbcopilot.security.SecretCipher;
import io.smbcopilot.security.TenantContext;
import io.smbcopilot.workflow.copilot.Answerers;
import io.smbcopilot.workflow.copilot.BaseUrlPolicy;
import io.smbcopilot.workflow.copilot.ModelSettings;
import io.smbcopilot.workflow.domain.CopilotSettings;
import io.smbcopilot.workflow.repository.CopilotSettingsRepository;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The tenant's own copilot provider (admins): which model answers its members, in place of the
 * deployment's default. The API key is write-only: kept encrypted, never returned.
 */
@Path("/api/v1/copilot/settings")
@Tag(name = "copilot")
@Produces(MediaType.APPLICATION_JSON)
public class SettingsResource {
  public record SettingsRequest(
      @NotBlank
          @Pattern(
              regexp = "extractive|openai|anthropic",
              message = "extractive, openai or anthropic")
          String provider,
      @Schema(description = "the provider's API base, http or https to a public host")
          @Size(max = 500)
          String baseUrl,
      @Size(max = 200) String model,
      @Schema(description = "write-only; left out, the key kept stays; an empty string removes it")
          @Size(max = 500)
          String apiKey,
      @Min(16) @Max(8000) Integer maxOutputTokens) {}

  public record SettingsView(
      @Schema(description = "tenant: the tenant's own; deployment: the deployment's default")
          String source,
      String provider,
      String baseUrl,
      String model,
      @Schema(description = "whether a key is kept (it is never returned)") boolean apiKeySet,
      Integer maxOutputTokens,
      OffsetDateTime updatedAt) {}

  private final CopilotSettingsRepository settings;
  private final Answerers answerers;
  private final SecretCipher cipher;
  private final BaseUrlPolicy policy;
  private final TenantContext context;

  public SettingsResource(
      CopilotSettingsRepository settings,
      Answerers answerers,
      SecretCipher cipher,
      BaseUrlPolicy policy,
      TenantContext context) {
    this.settings = settings;
    this.answerers = answerers;
    this.cipher = cipher;
    this.policy = policy;
    this.context = context;
  }

  @GET
  @WithSession
  @PermissionsAllowed(Permission.Names.TENANT_MANAGE)
  @Operation(summary = "The copilot's provider for this tenant (the key never shown)")
  @APIResponse(responseCode = "200", description = "the tenant's own settings or the default")
  public Uni<SettingsView> get() {
    return settings.findById(context.tenantId()).map(this::view);
  }

  @PUT
  @Consumes(MediaType.APPLICATION_JSON)
  @WithTransaction
  @PermissionsAllowed(Permission.Names.TENANT_MANAGE)
  @Operation(
      summary = "Set the copilot's provider for this tenant",
      description =
          "openai (any OpenAI-compatible chat completions server) or anthropic need baseUrl and"
              + " model; the base URL must reach a public host (private, loopback, link-local and"
              + " metadata addresses are refused unless the operator allows the host).")
  @APIResponse(responseCode = "200", description = "the settings now in force")
  @APIResponse(
      responseCode = "400",
      description = "an unknown provider, a missing URL or model, a URL to an internal address")
  @APIResponse(responseCode = "403", description = "not an admin")
  public Uni<SettingsView> put(@NotNull @Valid SettingsRequest request) {
    boolean model = !ModelSettings.EXTRACTIVE.equals(request.provider());
    String baseUrl = null;
    if (model) {
      if (request.baseUrl() == null || request.baseUrl().isBlank()) {
        throw ProblemException.invalid("body.baseUrl", "is required for " + request.provider());
      }
      if (request.model() == null || request.model().isBlank()) {
        throw ProblemException.invalid("body.model", "is required for " + request.provider());
      }
      baseUrl = policy.check(request.baseUrl());
    }
    String checkedUrl = baseUrl;
    var tenant = context.tenantId();
    return settings
        .findById(tenant)
        .chain(
            found -> {
              CopilotSettings s = found == null ? new CopilotSettings() : found;
              s.tenantId = tenant;
              s.provider = request.provider();
              s.baseUrl = checkedUrl;
              s.model = model ? request.model().trim() : null;
              if (!model || (request.apiKey() != null && request.apiKey().isEmpty())) {
                s.apiKeyEncrypted = null;
              } else if (request.apiKey() != null) {
                s.apiKeyEncrypted = cipher.encrypt(tenant, request.apiKey());
              }
              s.maxOutputTokens = request.maxOutputTokens();
              s.updatedBy = context.subject();
              s.updatedAt = OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
              return found == null ? settings.persist(s) : Uni.createFrom().item(s);
            })
        .map(this::view);
  }

  @DELETE
  @WithTransaction
  @PermissionsAllowed(Permission.Names.TENANT_MANAGE)
  @Operation(summary = "Go back to the deployment's default provider (the key is deleted)")
  @APIResponse(responseCode = "204", description = "the default is in force")
  public Uni<Response> reset() {
    return settings.deleteById(context.tenantId()).map(deleted -> Response.noContent().build());
  }

  private SettingsView view(CopilotSettings s) {
    if (s == null) {
      ModelSettings d = answerers.defaults();
      return new SettingsView(
          "deployment",
          d.provider(),
          d.extractive() ? null : d.baseUrl(),
          d.extractive() ? null : d.model(),
          d.apiKey() != null,
          d.extractive() ? null : d.maxOutputTokens(),
          null);
    }
    return new SettingsView(
        "tenant",
        s.provider,
        s.baseUrl,
        s.model,
        s.apiKeyEncrypted != null,
        s.maxOutputTokens,
        s.updatedAt);
  }
}
