package io.smbcopilot.security;

import java.security.Key;
import java.util.List;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.MalformedClaimException;
import org.jose4j.jwt.NumericDate;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.jwx.JsonWebStructure;

/**
 * Verifies signed JWTs: signature against a {@link JwksCache} (only the allowed algorithms, so
 * never {@code none}), issuer, audience, expiry and, when set, a maximum lifetime.
 */
public final class JwtVerifier {
  private static final int CLOCK_SKEW_SECONDS = 5;
  private final JwksCache keys;
  private final JwtConsumer consumer;
  private final int maxLifetimeSeconds;

  /**
   * @param maxLifetimeSeconds the longest exp - iat accepted, or 0 for no limit
   */
  public JwtVerifier(
      JwksCache keys,
      String issuer,
      String audience,
      List<String> algorithms,
      int maxLifetimeSeconds) {
    this.keys = keys;
    this.maxLifetimeSeconds = maxLifetimeSeconds;
    this.consumer =
        new JwtConsumerBuilder()
            .setRequireExpirationTime()
            .setRequireIssuedAt()
            .setRequireSubject()
            .setAllowedClockSkewInSeconds(CLOCK_SKEW_SECONDS)
            .setExpectedIssuer(issuer)
            .setExpectedAudience(audience)
            .setJwsAlgorithmConstraints(
                new AlgorithmConstraints(
                    AlgorithmConstraints.ConstraintType.PERMIT, algorithms.toArray(String[]::new)))
            .setVerificationKeyResolver(this::key)
            .build();
  }

  private Key key(JsonWebSignature jws, List<JsonWebStructure> nesting)
      throws org.jose4j.lang.UnresolvableKeyException {
    Key key = keys.cached(jws.getKeyIdHeaderValue());
    if (key == null) {
      throw new org.jose4j.lang.UnresolvableKeyException(
          "unknown signing key " + jws.getKeyIdHeaderValue());
    }
    return key;
  }

  /**
   * The key id the token names, read without verifying anything, so a caller can reload the keys
   * (off the event loop) before {@link #verify}.
   */
  public static String keyId(String token) {
    try {
      JsonWebStructure structure = JsonWebStructure.fromCompactSerialization(token);
      return structure.getKeyIdHeaderValue();
    } catch (Exception e) {
      return null;
    }
  }

  /** True when the keys must be reloaded before this token can be verified. */
  public boolean needsKeys(String token) {
    return keys.needsRefresh(keyId(token));
  }

  public JwksCache keys() {
    return keys;
  }

  /** The verified claims; throws with the reason when the token is not accepted. */
  public JwtClaims verify(String token) throws TokenRejectedException {
    if (token == null || token.isBlank()) {
      throw new TokenRejectedException("no token");
    }
    JwtClaims claims;
    try {
      claims = consumer.processToClaims(token);
    } catch (InvalidJwtException e) {
      throw new TokenRejectedException(reason(e), e);
    }
    if (maxLifetimeSeconds > 0) {
      try {
        NumericDate exp = claims.getExpirationTime();
        NumericDate iat = claims.getIssuedAt();
        if (exp.getValue() - iat.getValue() > maxLifetimeSeconds) {
          throw new TokenRejectedException(
              "the token lives longer than " + maxLifetimeSeconds + " seconds");
        }
      } catch (MalformedClaimException e) {
        throw new TokenRejectedException("malformed exp or iat", e);
      }
    }
    return claims;
  }

  private static String reason(InvalidJwtException e) {
    if (e.hasExpired()) {
      return "the token has expired";
    }
    if (e.hasErrorCode(org.jose4j.jwt.consumer.ErrorCodes.AUDIENCE_INVALID)
        || e.hasErrorCode(org.jose4j.jwt.consumer.ErrorCodes.AUDIENCE_MISSING)) {
      return "the token is not meant for this API (audience)";
    }
    if (e.hasErrorCode(org.jose4j.jwt.consumer.ErrorCodes.ISSUER_INVALID)
        || e.hasErrorCode(org.jose4j.jwt.consumer.ErrorCodes.ISSUER_MISSING)) {
      return "the token comes from another issuer";
    }
    if (e.hasErrorCode(org.jose4j.jwt.consumer.ErrorCodes.SIGNATURE_INVALID)
        || e.hasErrorCode(org.jose4j.jwt.consumer.ErrorCodes.SIGNATURE_MISSING)) {
      return "the token's signature is not valid";
    }
    return "the token is not valid";
  }
}
