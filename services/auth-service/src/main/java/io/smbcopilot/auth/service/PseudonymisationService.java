package io.smbcopilot.auth.service;

import io.opentelemetry.instrumentation.annotations.SpanAttribute;
import io.opentelemetry.instrumentation.annotations.WithSpan;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.smbcopilot.events.EventType;
import io.smbcopilot.events.identity.MemberPseudonymised;
import io.smbcopilot.outbox.PersonPseudonymisation;
import io.smbcopilot.problem.ProblemException;
import io.smbcopilot.problem.ProblemType;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * An admin replaces a former member's personal data by a pseudonym (issue 18): the audit log and
 * the business's records keep their entries, under a pseudonym no table maps back to the person;
 * their addresses become {@code <pseudonym>@pseudonymised.invalid}, the address they came from is
 * forgotten. Here in auth-service's tables, then in every other service's by the {@code
 * member-pseudonymised} event. Only for someone who is no member any more (remove them first).
 */
@ApplicationScoped
public class PseudonymisationService {
  /** Their addresses: from the entries about them and the invitations they accepted. */
  private static final String ADDRESSES =
      """
      SELECT DISTINCT lower(details->>'email') FROM audit_event
        WHERE tenant_id = ?1 AND target_id = ?2 AND details->>'email' IS NOT NULL
      UNION SELECT DISTINCT lower(email) FROM invitation WHERE tenant_id = ?1 AND accepted_by = ?2""";

  /** Whether the business's records hold anything of them here. */
  private static final String KNOWN =
      """
      SELECT count(*) FROM audit_event WHERE tenant_id = ?1 AND (actor_id = ?2 OR target_id = ?2)""";

  public record Pseudonymised(String pseudonym, Map<String, Integer> rows) {}

  private final IdentityRecorder recorder;
  private final PersonPseudonymisation pseudonymisation;

  public PseudonymisationService(
      IdentityRecorder recorder, PersonPseudonymisation pseudonymisation) {
    this.recorder = recorder;
    this.pseudonymisation = pseudonymisation;
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
            Panache.getSession()
                .chain(
                    s ->
                        s.createNativeQuery(
                                "SELECT 1 FROM membership WHERE tenant_id = ?1 AND user_id = ?2")
                            .setParameter(1, tenantId)
                            .setParameter(2, userId)
                            .getResultList()
                            .invoke(
                                rows -> {
                                  if (!rows.isEmpty()) {
                                    throw new ProblemException(
                                        ProblemType.CONFLICT,
                                        "they are a member: remove them from the business first");
                                  }
                                })
                            .chain(
                                () ->
                                    s.createNativeQuery(KNOWN, Long.class)
                                        .setParameter(1, tenantId)
                                        .setParameter(2, userId)
                                        .getSingleResult())
                            .invoke(
                                known -> {
                                  if (known == 0) {
                                    throw ProblemException.notFound(
                                        "person " + userId + " in the business's records");
                                  }
                                })
                            .chain(
                                () ->
                                    s.createNativeQuery(ADDRESSES, String.class)
                                        .setParameter(1, tenantId)
                                        .setParameter(2, userId)
                                        .getResultList()))
                .chain(
                    addresses -> {
                      List<String> emails =
                          addresses.stream().filter(a -> a != null && !a.isBlank()).toList();
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
}
