package io.smbcopilot.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.jose4j.jwk.EcJwkGenerator;
import org.jose4j.jwk.EllipticCurveJsonWebKey;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.keys.EllipticCurves;
import org.junit.jupiter.api.Test;

class InternalTokenTest {
  private final InternalTokenSigner signer = new InternalTokenSigner(30);
  private final AtomicInteger loads = new AtomicInteger();
  private final InternalTokenVerifier verifier =
      new InternalTokenVerifier(
          new JwksCache(
              () -> {
                loads.incrementAndGet();
                return "{\"keys\":[" + signer.publicJwk() + "]}";
              },
              Duration.ZERO,
              Duration.ofMinutes(10)));

  private static InternalToken user() {
    return user(List.of("member"), "req-1");
  }

  private static InternalToken user(List<String> roles, String requestId) {
    return new InternalToken(
        "6f1c3a2e-0000-4000-8000-000000000001",
        "user-1",
        PrincipalType.USER,
        roles,
        List.of("documents:read", "search"),
        List.of(),
        requestId,
        "127.0.0.1",
        "free");
  }

  /** A P-256 key of the test's own, with the key id {@code test-key}. */
  private static EllipticCurveJsonWebKey testKey() throws Exception {
    EllipticCurveJsonWebKey key = EcJwkGenerator.generateJwk(EllipticCurves.P256);
    key.setKeyId("test-key");
    return key;
  }

  /** A verifier that knows only the key, its keys loaded. */
  private static InternalTokenVerifier verifierOf(EllipticCurveJsonWebKey key) throws Exception {
    InternalTokenVerifier own =
        new InternalTokenVerifier(
            new JwksCache(
                () -> "{\"keys\":[" + key.toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY) + "]}",
                Duration.ZERO,
                Duration.ofMinutes(10)));
    own.jwt().keys().refresh();
    return own;
  }

  @Test
  void aSignedTokenRoundTripsWithEveryClaim() throws Exception {
    verifier.jwt().keys().refresh();
    InternalToken read = verifier.verify(signer.sign(user()));
    assertThat(read).isEqualTo(user());
    assertThat(read.has(Permission.SEARCH)).isTrue();
    assertThat(read.has(Permission.DOCUMENTS_WRITE)).isFalse();
  }

  @Test
  void aCallersCallsShareOneTokenWithoutRequestIdAndEachIsVerifiedOnceWhileItLives()
      throws Exception {
    verifier.jwt().keys().refresh();
    String shared = signer.signShared(user());
    assertThat(signer.signShared(user(List.of("member"), "req-2"))).isEqualTo(shared);
    assertThat(signer.signShared(user(List.of("admin"), "req-1"))).isNotEqualTo(shared);
    assertThat(signer.sign(user())).isNotEqualTo(shared);

    InternalToken read = verifier.verify(shared);
    assertThat(read.requestId()).isNull();
    assertThat(read.subject()).isEqualTo("user-1");
    assertThat(read.clientIp()).isEqualTo("127.0.0.1");
    // the same text again: what was read then, not a second verification
    assertThat(verifier.verify(shared)).isSameAs(read);
    // one changed character is another text: verified, and refused
    String altered =
        shared.substring(0, shared.length() - 2) + (shared.endsWith("AA") ? "BB" : "AA");
    assertThatThrownBy(() -> verifier.verify(altered)).isInstanceOf(TokenRejectedException.class);
  }

  @Test
  void aRememberedTokenIsVerifiedAgainOnceItsTimeIsUp() throws Exception {
    EllipticCurveJsonWebKey key = testKey();
    InternalTokenVerifier own = verifierOf(key);
    long now = NumericDate.now().getValue();
    String living = sign(key, InternalToken.ISSUER, InternalToken.AUDIENCE, now, now + 30);
    assertThat(own.verify(living)).isSameAs(own.verify(living));
    // expired a second ago: still inside the clock skew the verification allows, never remembered
    String expired = sign(key, InternalToken.ISSUER, InternalToken.AUDIENCE, now - 10, now - 1);
    InternalToken first = own.verify(expired);
    assertThat(own.verify(expired)).isNotSameAs(first).isEqualTo(first);
  }

  @Test
  void anUnknownKeyIdIsResolvedByReloadingTheKeys() throws Exception {
    String token = signer.sign(user());
    assertThat(verifier.jwt().needsKeys(token)).isTrue();
    verifier.jwt().keys().refresh();
    assertThat(verifier.jwt().needsKeys(token)).isFalse();
    assertThat(verifier.verify(token).subject()).isEqualTo("user-1");
    assertThat(loads.get()).isEqualTo(1);
  }

  @Test
  void oldKeysServeWhileTheirSourceIsAwayAndAreReplacedWhenItAnswers() throws Exception {
    // the set is old at once (maxAge zero): every verification wants a reload
    java.util.concurrent.atomic.AtomicReference<String> source =
        new java.util.concurrent.atomic.AtomicReference<>(
            "{\"keys\":[" + signer.publicJwk() + "]}");
    InternalTokenVerifier stale =
        new InternalTokenVerifier(
            new JwksCache(
                () -> {
                  String set = source.get();
                  if (set == null) {
                    throw new IllegalStateException("the gateway is away");
                  }
                  return set;
                },
                Duration.ZERO,
                Duration.ZERO));
    stale.jwt().keys().refresh();
    String token = signer.sign(user());
    assertThat(stale.jwt().needsKeys(token)).isTrue();

    // the source away (a gateway restarting): the reload fails, the keys loaded before still serve
    source.set(null);
    stale.jwt().keys().refresh();
    assertThat(stale.verify(token).subject()).isEqualTo("user-1");
    assertThat(stale.jwt().keys().resolve(signer.keyId())).isNotNull();

    // the source back without the key (it was retired): the reload replaces the set
    InternalTokenSigner next = new InternalTokenSigner(30);
    source.set("{\"keys\":[" + next.publicJwk() + "]}");
    stale.jwt().keys().refresh();
    assertThat(stale.jwt().keys().cached(signer.keyId())).isNull();
    assertThatThrownBy(() -> stale.verify(signer.sign(user(List.of("admin"), "req-9"))))
        .isInstanceOf(TokenRejectedException.class);
    assertThat(stale.verify(next.sign(user())).subject()).isEqualTo("user-1");
  }

  @Test
  void theFirstTokensOfAGatewayBackFromARestartWaitForTheNextReloadAllowedAndShareIt()
      throws Exception {
    java.util.concurrent.atomic.AtomicReference<String> source =
        new java.util.concurrent.atomic.AtomicReference<>(
            "{\"keys\":[" + signer.publicJwk() + "]}");
    AtomicInteger tried = new AtomicInteger();
    JwksCache keys =
        new JwksCache(
            () -> {
              tried.incrementAndGet();
              String set = source.get();
              if (set == null) {
                throw new IllegalStateException("the gateway is away");
              }
              return set;
            },
            Duration.ofMillis(400),
            Duration.ofMinutes(10));
    InternalTokenVerifier rated = new InternalTokenVerifier(keys);
    keys.refresh();
    // the gateway killed: a reload is tried and fails (a token of a key unknown, say)
    source.set(null);
    assertThat(keys.resolve("a-key-nobody-has")).isNull();
    assertThat(tried.get()).isEqualTo(2);
    // back at once with a new key, inside the rate limit of the reload that failed
    InternalTokenSigner restarted = new InternalTokenSigner(30);
    source.set("{\"keys\":[" + signer.publicJwk() + "," + restarted.publicJwk() + "]}");
    String token = restarted.sign(user());
    assertThat(rated.jwt().needsKeys(token)).isTrue();
    // its first calls, together: each waits for the reload allowed next, and one reload serves all
    java.util.concurrent.ExecutorService callers =
        java.util.concurrent.Executors.newFixedThreadPool(6);
    try {
      List<java.util.concurrent.Future<java.security.Key>> found = new java.util.ArrayList<>();
      for (int i = 0; i < 6; i++) {
        found.add(callers.submit(() -> keys.resolve(restarted.keyId())));
      }
      for (java.util.concurrent.Future<java.security.Key> key : found) {
        assertThat(key.get(10, java.util.concurrent.TimeUnit.SECONDS)).isNotNull();
      }
    } finally {
      callers.shutdownNow();
    }
    assertThat(tried.get()).isEqualTo(3);
    assertThat(rated.jwt().needsKeys(token)).isFalse();
    assertThat(rated.verify(token).subject()).isEqualTo("user-1");
    // a token without a key id never sends anyone to reload
    assertThat(rated.jwt().needsKeys("e30.e30.")).isFalse();
    assertThat(keys.resolve(null)).isNull();
    assertThat(tried.get()).isEqualTo(3);
  }

  @Test
  void tokensOfAnotherKeyUnsignedOrTamperedAreRejected() throws Exception {
    verifier.jwt().keys().refresh();
    InternalTokenSigner other = new InternalTokenSigner(30);
    assertThatThrownBy(() -> verifier.verify(other.sign(user())))
        .isInstanceOf(TokenRejectedException.class);

    String[] parts = signer.sign(user()).split("\\.");
    String none =
        Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"none\"}".getBytes())
            + "."
            + parts[1]
            + ".";
    assertThatThrownBy(() -> verifier.verify(none)).isInstanceOf(TokenRejectedException.class);

    String payload = new String(Base64.getUrlDecoder().decode(parts[1]));
    String forged =
        parts[0]
            + "."
            + Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(payload.replace("member", "owner").getBytes())
            + "."
            + parts[2];
    assertThatThrownBy(() -> verifier.verify(forged))
        .isInstanceOf(TokenRejectedException.class)
        .hasMessageContaining("signature");
  }

  @Test
  void expiredLongLivedAndForeignTokensAreRejected() throws Exception {
    EllipticCurveJsonWebKey key = testKey();
    InternalTokenVerifier own = verifierOf(key);
    long now = NumericDate.now().getValue();
    assertThat(own.verify(sign(key, InternalToken.ISSUER, InternalToken.AUDIENCE, now, now + 30)))
        .isNotNull();
    assertThatThrownBy(
            () ->
                own.verify(
                    sign(key, InternalToken.ISSUER, InternalToken.AUDIENCE, now - 120, now - 60)))
        .hasMessageContaining("expired");
    assertThatThrownBy(
            () ->
                own.verify(sign(key, InternalToken.ISSUER, InternalToken.AUDIENCE, now, now + 600)))
        .hasMessageContaining("longer than 60");
    assertThatThrownBy(
            () -> own.verify(sign(key, "someone-else", InternalToken.AUDIENCE, now, now + 30)))
        .hasMessageContaining("issuer");
    assertThatThrownBy(
            () -> own.verify(sign(key, InternalToken.ISSUER, "other-api", now, now + 30)))
        .hasMessageContaining("audience");
  }

  @Test
  void theSignerRefusesLifetimesOverSixtySeconds() {
    assertThatThrownBy(() -> new InternalTokenSigner(61))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static String sign(
      EllipticCurveJsonWebKey key, String issuer, String audience, long iat, long exp)
      throws Exception {
    JwtClaims claims = new JwtClaims();
    claims.setIssuer(issuer);
    claims.setAudience(audience);
    claims.setSubject("user-1");
    claims.setIssuedAt(NumericDate.fromSeconds(iat));
    claims.setExpirationTime(NumericDate.fromSeconds(exp));
    claims.setClaim(InternalToken.CLAIM_PRINCIPAL_TYPE, "user");
    JsonWebSignature jws = new JsonWebSignature();
    jws.setPayload(claims.toJson());
    jws.setKey(key.getPrivateKey());
    jws.setKeyIdHeaderValue(key.getKeyId());
    jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256);
    return jws.getCompactSerialization();
  }
}
