package io.smbcopilot.auth.service;

import io.opentelemetry.instrumentation.annotations.SpanAttribute;
import io.opentelemetry.instrumentation.annotations.WithSpan;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.smbcopilot.auth.repository.AuditEventRepository;
import io.smbcopilot.auth.repository.InvitationRepository;
import io.smbcopilot.auth.repository.MembershipRepository;
import io.smbcopilot.events.EventType;
import io.smbcopilot.events.identity.MemberPseudonymised;
import io.smbcopilot.outbox.PersonPseudonymisation;
import io.smbcopilot.problem.Page;
import io.smbcopilot.problem.Paging;
import io.smbcopilot.problem.ProblemException;
import io.smbcopilot.problem.ProblemType;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * An admin replaces a former member's personal data by a pseudonym (issue 18): the audit log and
 * the business's records keep their entries, under a pseudonym no table maps back to the person;
 * their addresses become {@code <pseudonym>@pseudonymised.invalid}, the address they came from is
 * forgotten. Here in auth-service's tables, then in every other service's by the {@code
 * member-pseudonymised} event. Only for someone who is no member any more (remove them first).
 */
@ApplicationScoped
public class PseudonymisationService {
  public record Pseudonymised(String pseudonym, Map<String, Integer> rows) {}

  /** Someone who left or was removed, not pseudonymised yet. */
  @Schema(name = "FormerMember")
  public record FormerMember(
      String userId,
      @Schema(description = "the address the audit log gives them") String email,
      @Schema(description = "left (they left) or removed") String how,
      @Schema(description = "when they left or were removed, the last time") OffsetDateTime at) {}

  private final IdentityRecorder recorder;
  private final PersonPseudonymisation pseudonymisation;
  private final MembershipRepository memberships;
  private final AuditEventRepository auditLog;
  private final InvitationRepository invitations;

  public PseudonymisationService(
      IdentityRecorder recorder,
      PersonPseudonymisation pseudonymisation,
      MembershipRepository memberships,
      AuditEventRepository auditLog,
      InvitationRepository invitations) {
    this.recorder = recorder;
    this.pseudonymisation = pseudonymisation;
    this.memberships = memberships;
    this.auditLog = auditLog;
    this.invitations = invitations;
  }

  @WithSpan("PseudonymisationService.pseudonymise")
  public Uni<Pseudonymised> pseudonymise(
      @SpanAttribute("tenant.id") UUID tenantId, Actor actor, String userId) {
    String pseudonym = PersonPseudonymisation.pseudonym();
    return recorder.guarded(
        tenantId,
        actor,
        "member.pseudonymised",
        "member",
        pseudonym,
        () ->
            memberships
                .find(tenantId, userId)
                .invoke(
                    member -> {
                      if (member != null) {
                        throw new ProblemException(
                            ProblemType.CONFLICT,
                            "they are a member: remove them from the business first");
                      }
                    })
                .chain(() -> auditLog.mentions(tenantId, userId))
                .invoke(
                    known -> {
                      if (known == 0) {
                        throw ProblemException.notFound(
                            "person " + userId + " in the business's records");
                      }
                    })
                .chain(() -> addresses(tenantId, userId))
                .chain(
                    emails -> {
                      return pseudonymisation
                          .pseudonymise(tenantId, userId, pseudonym, emails)
                          .call(
                              rows ->
                                  recorder.audit(
                                      tenantId,
                                      actor,
                                      "member.pseudonymised",
                                      "member",
                                      pseudonym,
                                      "success",
                                      Map.of("rows", rows)))
                          .call(
                              () ->
                                  recorder.emit(
                                      EventType.MEMBER_PSEUDONYMISED,
                                      tenantId,
                                      "member/" + pseudonym,
                                      new MemberPseudonymised(
                                          tenantId.toString(),
                                          userId,
                                          pseudonym,
                                          emails,
                                          actor.id())))
                          .map(rows -> new Pseudonymised(pseudonym, rows));
                    }));
  }

  /**
   * The people who left or were removed and may be pseudonymised, newest first: a page of {@code
   * limit}, after the cursor of the one before (the audit entry's position, as text).
   */
  public Uni<Page<FormerMember>> former(UUID tenantId, int limit, String cursor) {
    long before;
    try {
      before = cursor == null ? Long.MAX_VALUE : Long.parseLong(cursor);
    } catch (NumberFormatException e) {
      throw ProblemException.invalid("cursor", "not a cursor this API gave out");
    }
    return Panache.withSession(() -> auditLog.departures(tenantId, before, limit))
        .map(
            found ->
                new Page<>(
                    found.stream()
                        .map(
                            d ->
                                new FormerMember(
                                    d.userId(),
                                    d.email(),
                                    d.action().substring("member.".length()),
                                    d.at()))
                        .toList(),
                    Paging.next(found, limit, d -> Paging.encode(d.seq() + ""))));
  }

  /** Their addresses, lower case: from the entries about them and the invitations they accepted. */
  private Uni<List<String>> addresses(UUID tenantId, String userId) {
    return auditLog
        .addressesOf(tenantId, userId)
        .chain(
            fromAudit ->
                invitations
                    .acceptedBy(tenantId, userId)
                    .map(
                        accepted -> {
                          java.util.Set<String> all = new java.util.LinkedHashSet<>(fromAudit);
                          accepted.forEach(
                              i -> all.add(i.email.toLowerCase(java.util.Locale.ROOT)));
                          all.removeIf(a -> a == null || a.isBlank());
                          return List.copyOf(all);
                        }));
  }
}
