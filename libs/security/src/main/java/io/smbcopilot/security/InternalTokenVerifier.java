package io.smbcopilot.security;

import java.util.List;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.MalformedClaimException;

/** Verifies an internal token against the gateway's keys and reads its claims. */
public final class InternalTokenVerifier {
  private final JwtVerifier jwt;

  public InternalTokenVerifier(JwksCache gatewayKeys) {
    this.jwt =
        new JwtVerifier(
            gatewayKeys,
            InternalToken.ISSUER,
            InternalToken.AUDIENCE,
            List.of(AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256),
            InternalToken.MAX_LIFETIME_SECONDS);
  }

  public JwtVerifier jwt() {
    return jwt;
  }

  public InternalToken verify(String token) throws TokenRejectedException {
    JwtClaims claims = jwt.verify(token);
    try {
      String type = claims.getStringClaimValue(InternalToken.CLAIM_PRINCIPAL_TYPE);
      if (type == null) {
        throw new TokenRejectedException("the token has no principal type");
      }
      return new InternalToken(
          claims.getStringClaimValue(InternalToken.CLAIM_TENANT),
          claims.getSubject(),
          PrincipalType.fromClaim(type),
          list(claims, InternalToken.CLAIM_ROLES),
          list(claims, InternalToken.CLAIM_PERMISSIONS),
          list(claims, InternalToken.CLAIM_SCOPES),
          claims.getStringClaimValue(InternalToken.CLAIM_REQUEST_ID),
          claims.getStringClaimValue(InternalToken.CLAIM_CLIENT_IP),
          claims.getStringClaimValue(InternalToken.CLAIM_PLAN));
    } catch (MalformedClaimException | IllegalArgumentException e) {
      throw new TokenRejectedException("the token's claims are malformed", e);
    }
  }

  private static List<String> list(JwtClaims claims, String name) throws MalformedClaimException {
    return claims.hasClaim(name) ? claims.getStringListClaimValue(name) : List.of();
  }
}
