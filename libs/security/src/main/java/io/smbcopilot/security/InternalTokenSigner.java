package io.smbcopilot.security;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.UUID;
import org.jose4j.jwk.EcJwkGenerator;
import org.jose4j.jwk.EllipticCurveJsonWebKey;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.keys.EllipticCurves;
import org.jose4j.lang.JoseException;

/**
 * Mints internal tokens (ES256) with a P-256 key made in memory. The private key never leaves the
 * process; the public key is published (by the gateway, through its shared key table) as a JWK.
 */
public final class InternalTokenSigner {
  private final EllipticCurveJsonWebKey key;
  private final int lifetimeSeconds;

  /** Tokens of {@link #signShared}, by their claims: kept a sixth of a token's lifetime. */
  private final Cache<InternalToken, String> shared;

  public InternalTokenSigner(int lifetimeSeconds) {
    if (lifetimeSeconds < 1 || lifetimeSeconds > InternalToken.MAX_LIFETIME_SECONDS) {
      throw new IllegalArgumentException(
          "internal tokens live 1 to " + InternalToken.MAX_LIFETIME_SECONDS + " seconds");
    }
    try {
      this.key = EcJwkGenerator.generateJwk(EllipticCurves.P256);
    } catch (JoseException e) {
      throw new IllegalStateException("cannot make a P-256 key", e);
    }
    this.key.setKeyId(UUID.randomUUID().toString());
    this.key.setUse("sig");
    this.key.setAlgorithm(AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256);
    this.lifetimeSeconds = lifetimeSeconds;
    this.shared =
        Caffeine.newBuilder()
            .maximumSize(10_000)
            .expireAfterWrite(Duration.ofMillis(lifetimeSeconds * 1000L / 6))
            .build();
  }

  public String keyId() {
    return key.getKeyId();
  }

  /** The public key as a JWK (JSON), for the JWKS. */
  public String publicJwk() {
    return key.toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY);
  }

  public int lifetimeSeconds() {
    return lifetimeSeconds;
  }

  /**
   * A token for these claims, without a request id (the call carries it in {@code X-Request-Id}),
   * signed at most a sixth of its lifetime ago: so that five sixths of it are left, and calls by
   * the same caller share one signature. The gateway signs every call it forwards, and signing
   * (ES256) was a third of its CPU in the workflows benchmark; the services verify each token once
   * too ({@link InternalTokenVerifier}).
   */
  public String signShared(InternalToken token) {
    InternalToken claims =
        new InternalToken(
            token.tenantId(),
            token.subject(),
            token.principalType(),
            token.roles(),
            token.permissions(),
            token.scopes(),
            null,
            token.clientIp(),
            token.plan());
    return shared.get(claims, this::sign);
  }

  public String sign(InternalToken token) {
    JwtClaims claims = new JwtClaims();
    claims.setIssuer(InternalToken.ISSUER);
    claims.setAudience(InternalToken.AUDIENCE);
    claims.setSubject(token.subject());
    NumericDate now = NumericDate.now();
    claims.setIssuedAt(now);
    NumericDate exp = NumericDate.fromSeconds(now.getValue() + lifetimeSeconds);
    claims.setExpirationTime(exp);
    claims.setClaim(InternalToken.CLAIM_PRINCIPAL_TYPE, token.principalType().claim());
    if (token.tenantId() != null) {
      claims.setClaim(InternalToken.CLAIM_TENANT, token.tenantId());
    }
    claims.setStringListClaim(InternalToken.CLAIM_ROLES, token.roles());
    claims.setStringListClaim(InternalToken.CLAIM_PERMISSIONS, token.permissions());
    claims.setStringListClaim(InternalToken.CLAIM_SCOPES, token.scopes());
    if (token.requestId() != null) {
      claims.setClaim(InternalToken.CLAIM_REQUEST_ID, token.requestId());
    }
    if (token.clientIp() != null) {
      claims.setClaim(InternalToken.CLAIM_CLIENT_IP, token.clientIp());
    }
    if (token.plan() != null) {
      claims.setClaim(InternalToken.CLAIM_PLAN, token.plan());
    }
    JsonWebSignature jws = new JsonWebSignature();
    jws.setPayload(claims.toJson());
    jws.setKey(key.getPrivateKey());
    jws.setKeyIdHeaderValue(key.getKeyId());
    jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256);
    try {
      return jws.getCompactSerialization();
    } catch (JoseException e) {
      throw new IllegalStateException("cannot sign an internal token", e);
    }
  }
}
