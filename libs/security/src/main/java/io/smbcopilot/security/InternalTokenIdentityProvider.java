package io.smbcopilot.security;

import io.opentelemetry.api.trace.Span;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * Turns a verified internal token into the request's {@link SecurityIdentity}: the principal is the
 * token's subject; the roles are the principal's type ({@link Roles#of}) and, for a user or an API
 * key of a tenant, {@link Roles#TENANT}; the permissions ({@code @PermissionsAllowed}) are the
 * token's, for a tenant's user or API key only; the token itself is the attribute {@link
 * #TOKEN_ATTRIBUTE}, which {@link TenantContext} reads.
 */
@ApplicationScoped
public class InternalTokenIdentityProvider implements IdentityProvider<InternalTokenRequest> {
  private static final Logger LOG = Logger.getLogger(InternalTokenIdentityProvider.class);

  /** The identity's attribute that holds the verified {@link InternalToken}. */
  public static final String TOKEN_ATTRIBUTE = "io.smbcopilot.internal-token";

  /** The span attribute that carries the tenant id. */
  public static final String TENANT_SPAN_ATTRIBUTE = "tenant.id";

  private final InternalTokenVerifier verifier;

  public InternalTokenIdentityProvider(InternalTokenVerifier verifier) {
    this.verifier = verifier;
  }

  @Override
  public Class<InternalTokenRequest> getRequestType() {
    return InternalTokenRequest.class;
  }

  @Override
  public Uni<SecurityIdentity> authenticate(
      InternalTokenRequest request, AuthenticationRequestContext context) {
    String token = request.token();
    if (verifier.jwt().needsKeys(token)) {
      // an unknown key id (a new gateway replica, a gateway restarted) or keys grown old: the
      // gateway's JWKS is fetched, off the event loop
      return context.runBlocking(
          () -> {
            verifier.jwt().keys().resolve(JwtVerifier.keyId(token));
            return identity(token);
          });
    }
    return Uni.createFrom().item(() -> identity(token));
  }

  private SecurityIdentity identity(String raw) {
    InternalToken token;
    try {
      token = verifier.verify(raw);
    } catch (TokenRejectedException e) {
      LOG.debugf("internal token rejected: %s", e.getMessage());
      throw new AuthenticationFailedException("internal token rejected: " + e.getMessage());
    }
    if (token.tenantId() != null) {
      // the request's span says whose it is (a span attribute, never a metric label)
      Span.current().setAttribute(TENANT_SPAN_ATTRIBUTE, token.tenantId());
    }
    QuarkusSecurityIdentity.Builder identity =
        QuarkusSecurityIdentity.builder()
            .setPrincipal(new QuarkusPrincipal(token.subject()))
            .addRole(Roles.of(token.principalType()))
            .addAttribute(TOKEN_ATTRIBUTE, token);
    boolean member =
        token.tenantId() != null
            && (token.principalType() == PrincipalType.USER
                || token.principalType() == PrincipalType.API_KEY);
    if (member) {
      identity.addRole(Roles.TENANT);
      token.permissions().forEach(identity::addPermissionAsString);
    }
    return identity.build();
  }
}
