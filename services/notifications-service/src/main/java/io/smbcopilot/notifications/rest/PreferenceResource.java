package io.smbcopilot.notifications.rest;

import io.quarkus.security.PermissionsAllowed;
import io.smallrye.mutiny.Uni;
import io.smbcopilot.notifications.service.PreferenceService;
import io.smbcopilot.problem.ProblemException;
import io.smbcopilot.problem.ProblemType;
import io.smbcopilot.security.Permission;
import io.smbcopilot.security.TenantContext;
import jakarta.annotation.security.PermitAll;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The signed-in user's notification choices (per kind: in-app, email, both or none; the daily
 * digest), and the one-click unsubscribe of the links in mails (no sign-in: the token is signed).
 */
@Path("/api/v1/notification-preferences")
@Tag(name = "notifications")
@Produces(MediaType.APPLICATION_JSON)
public class PreferenceResource {
  @Schema(name = "NotificationPreferences")
  public record PreferencesView(
      @Schema(description = "every kind, with where it goes for you and its default")
          java.util.List<PreferenceService.KindChoice> kinds,
      Digest digest) {
    static PreferencesView of(PreferenceService.Choices c) {
      return new PreferencesView(
          c.kinds(), new Digest(c.digestEnabled(), c.digestHour(), c.timeZone()));
    }
  }

  @Schema(name = "DigestPreference")
  public record Digest(
      @Schema(description = "gather the day's email notifications into one mail") Boolean enabled,
      @Schema(description = "the hour it goes out, 0 to 23, in timeZone") Integer hour,
      @Schema(description = "an IANA time zone name, such as Europe/Paris") String timeZone) {}

  @Schema(name = "NotificationPreferencesChange")
  public record ChangeRequest(
      @Schema(
              description =
                  "kinds to change: in-app, email, both or none; null puts a kind back to its"
                      + " default")
          Map<String, String> kinds,
      @Valid Digest digest) {}

  public record UnsubscribeResult(
      @Schema(description = "the kind whose email stopped, or all") String unsubscribed,
      PreferencesView preferences) {}

  private final PreferenceService preferences;
  private final TenantContext context;

  public PreferenceResource(PreferenceService preferences, TenantContext context) {
    this.preferences = preferences;
    this.context = context;
  }

  @GET
  @PermissionsAllowed(Permission.Names.NOTIFICATIONS_READ)
  @Operation(summary = "My notification choices: every kind, and the daily digest")
  @APIResponse(responseCode = "200", description = "the choices")
  public Uni<PreferencesView> get() {
    return preferences.get(context.tenantId(), user()).map(PreferencesView::of);
  }

  @PATCH
  @Consumes(MediaType.APPLICATION_JSON)
  @PermissionsAllowed(Permission.Names.NOTIFICATIONS_READ)
  @Operation(summary = "Change some of my notification choices; the others stay")
  @APIResponse(responseCode = "200", description = "the choices after the change")
  @APIResponse(
      responseCode = "400",
      description = "an unknown kind, a delivery, hour or time zone that is not one")
  public Uni<PreferencesView> change(@NotNull @Valid ChangeRequest request) {
    Digest d = request.digest();
    return preferences
        .change(
            context.tenantId(),
            user(),
            new PreferenceService.Change(
                request.kinds(),
                d == null ? null : d.enabled(),
                d == null ? null : d.hour(),
                d == null ? null : d.timeZone()))
        .map(PreferencesView::of);
  }

  @POST
  @Path("/unsubscribe")
  @PermitAll
  @Operation(
      summary = "Stop the emails of an unsubscribe link (RFC 8058 one-click; no sign-in)",
      description =
          "The token comes from a mail's link or List-Unsubscribe header. A kind's token turns"
              + " that kind's email off (both becomes in-app); a digest's token turns every email"
              + " and the digest off.")
  @APIResponse(responseCode = "200", description = "unsubscribed")
  @APIResponse(responseCode = "404", description = "not a link we sent")
  public Uni<UnsubscribeResult> unsubscribe(@QueryParam("token") String token) {
    return preferences
        .unsubscribe(token)
        .map(u -> new UnsubscribeResult(u.kind(), PreferencesView.of(u.choices())));
  }

  @GET
  @Path("/unsubscribe")
  @PermitAll
  @Produces(MediaType.TEXT_HTML)
  @Operation(
      summary = "The page a mail's unsubscribe link opens: it asks before anything changes",
      description =
          "Nothing changes on GET (mail scanners follow links); its button posts to the same"
              + " address.")
  @APIResponse(responseCode = "200", description = "a page with the button")
  @APIResponse(responseCode = "404", description = "not a link we sent")
  public Response confirm(@QueryParam("token") String token) {
    String what =
        preferences
            .describe(token)
            .orElseThrow(
                () ->
                    new ProblemException(
                        ProblemType.NOT_FOUND, "this unsubscribe link is not one we sent"));
    String page =
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Unsubscribe</title>"
            + "</head><body style=\"font-family: sans-serif; max-width: 480px; margin: 48px auto;\">"
            + "<h1>Unsubscribe</h1><p>Stop "
            + escape(what)
            + "?</p><form method=\"post\"><button type=\"submit\">Unsubscribe</button></form>"
            + "<p>You can change this any time in your notification settings.</p></body></html>";
    return Response.ok(page, MediaType.TEXT_HTML_TYPE.withCharset("UTF-8"))
        .header("Cache-Control", "no-store")
        .header("Referrer-Policy", "no-referrer")
        .build();
  }

  private String user() {
    return context.person("notification preferences belong to people, not API keys");
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }
}
