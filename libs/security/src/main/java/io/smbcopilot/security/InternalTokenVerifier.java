package io.smbcopilot.security;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.List;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.MalformedClaimException;
import org.jose4j.jwt.NumericDate;

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

  /** A token verified before, and when it expires (epoch seconds). */
  private record Verified(InternalToken token, long expiresAt) {}

  /**
   * Tokens verified lately, by their whole text (header, claims and signature as verified): the
   * gateway shares a token among a caller's calls ({@link InternalTokenSigner#signShared}), and
   * verifying its signature (ES256) again for each was a sixth of the workflow worker's CPU in the
   * workflows benchmark. A token is taken from here only before it expires.
   */
  private final Cache<String, Verified> verified =
      Caffeine.newBuilder()
          .maximumSize(10_000)
          .expireAfterWrite(Duration.ofSeconds(InternalToken.MAX_LIFETIME_SECONDS))
          .build();

  public InternalToken verify(String token) throws TokenRejectedException {
    Verified known = verified.getIfPresent(token);
    if (known != null && NumericDate.now().getValue() < known.expiresAt()) {
      return known.token();
    }
    JwtClaims claims = jwt.verify(token);
    InternalToken read = read(claims);
    try {
      NumericDate expires = claims.getExpirationTime();
      if (expires != null) {
        verified.put(token, new Verified(read, expires.getValue()));
      }
    } catch (MalformedClaimException e) {
      throw new TokenRejectedException("the token's claims are malformed", e);
    }
    return read;
  }

  private static InternalToken read(JwtClaims claims) throws TokenRejectedException {
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
