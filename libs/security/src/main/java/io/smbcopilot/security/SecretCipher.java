package io.smbcopilot.security;

import io.smbcopilot.problem.ProblemException;
import io.smbcopilot.problem.ProblemType;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import java.util.UUID;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Encrypts tenants' secrets at rest (a copilot provider's API key, a webhook endpoint's signing
 * secret), where the service must read them again to use them: AES-256-GCM (the JDK's), the key
 * derived (SHA-256) from the deployment's secret {@code copilot.secrets.encryption-key}, a random
 * 96-bit nonce each time, the tenant's id as associated data so a ciphertext copied to another
 * tenant's row does not decrypt. Stored as base64 of nonce and ciphertext.
 *
 * <p>Rotation: the new secret becomes {@code copilot.secrets.encryption-key} and the old one moves
 * to {@code copilot.secrets.previous-encryption-keys}. New secrets are sealed with the new key;
 * those sealed with an old one still open (GCM's tag tells which key sealed it), and {@link
 * #reseal} seals them again with the new key, so the old secret can be dropped once nothing needs
 * it ({@link #current} says which rows still do). Signatures made with an old key still verify.
 */
@ApplicationScoped
public class SecretCipher {
  private static final int NONCE = 12;
  private static final SecureRandom RANDOM = new SecureRandom();
  private final Optional<SecretKeySpec> key;
  private final Optional<SecretKeySpec> macKey;
  private final java.util.List<SecretKeySpec> previous;
  private final java.util.List<SecretKeySpec> previousMacKeys;

  public SecretCipher(Optional<String> secret) {
    this(secret, Optional.empty());
  }

  @jakarta.inject.Inject
  public SecretCipher(
      @ConfigProperty(name = "copilot.secrets.encryption-key") Optional<String> secret,
      @ConfigProperty(name = "copilot.secrets.previous-encryption-keys")
          Optional<java.util.List<String>> previous) {
    this.key = secret.filter(s -> !s.isBlank()).map(SecretCipher::derive);
    // a second key for signatures, derived apart so no key serves two algorithms
    this.macKey = secret.filter(s -> !s.isBlank()).map(SecretCipher::deriveMac);
    java.util.List<String> old =
        previous.orElse(java.util.List.of()).stream()
            .map(String::trim)
            .filter(s -> !s.isEmpty())
            .toList();
    this.previous = old.stream().map(SecretCipher::derive).toList();
    this.previousMacKeys = old.stream().map(SecretCipher::deriveMac).toList();
  }

  private static SecretKeySpec deriveMac(String secret) {
    return new SecretKeySpec(derive("mac:" + secret).getEncoded(), "HmacSHA256");
  }

  private static SecretKeySpec derive(String secret) {
    try {
      byte[] bytes =
          MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
      return new SecretKeySpec(bytes, "AES");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private SecretKeySpec key() {
    return key.orElseThrow(
        () ->
            new ProblemException(
                ProblemType.SERVICE_UNAVAILABLE,
                "secrets cannot be kept: the deployment has no encryption key"
                    + " (copilot.secrets.encryption-key)"));
  }

  /** True when previous keys are configured: a rotation is under way. */
  public boolean rotating() {
    return key.isPresent() && !previous.isEmpty();
  }

  /** True when the deployment has an encryption key, so secrets can be kept. */
  public boolean available() {
    return key.isPresent();
  }

  public String encrypt(UUID tenantId, String plain) {
    try {
      byte[] nonce = new byte[NONCE];
      RANDOM.nextBytes(nonce);
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, key(), new GCMParameterSpec(128, nonce));
      cipher.updateAAD(tenantId.toString().getBytes(StandardCharsets.UTF_8));
      byte[] sealed = cipher.doFinal(plain.getBytes(StandardCharsets.UTF_8));
      return Base64.getEncoder()
          .encodeToString(
              ByteBuffer.allocate(NONCE + sealed.length).put(nonce).put(sealed).array());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot encrypt", e);
    }
  }

  public String decrypt(UUID tenantId, String stored) {
    byte[] all = Base64.getDecoder().decode(stored);
    String plain = open(key(), tenantId, all);
    for (int i = 0; plain == null && i < previous.size(); i++) {
      plain = open(previous.get(i), tenantId, all);
    }
    if (plain == null) {
      throw new ProblemException(
          ProblemType.SERVICE_UNAVAILABLE,
          "a secret of the tenant cannot be read with the deployment's encryption key; set it"
              + " again");
    }
    return plain;
  }

  /** True when the stored secret is sealed with the current key (no rotation left to do). */
  public boolean current(UUID tenantId, String stored) {
    return open(key(), tenantId, Base64.getDecoder().decode(stored)) != null;
  }

  /** The stored secret sealed with the current key (as it is when it already was). */
  public String reseal(UUID tenantId, String stored) {
    return current(tenantId, stored) ? stored : encrypt(tenantId, decrypt(tenantId, stored));
  }

  /** A pass of {@link #reseal} over kept secrets, counting what it did. */
  public Resealing resealing() {
    return new Resealing(this);
  }

  /**
   * Seals kept secrets again with the current key, one at a time, counting those sealed again and
   * those no configured key opens (left as they are: their owners set them again).
   */
  public static final class Resealing {
    private final SecretCipher cipher;
    private int sealed;
    private int unreadable;

    private Resealing(SecretCipher cipher) {
      this.cipher = cipher;
    }

    /** The stored secret as it should now be stored (null stays null). */
    public String of(UUID tenantId, String stored) {
      if (stored == null || cipher.current(tenantId, stored)) {
        return stored;
      }
      try {
        String again = cipher.reseal(tenantId, stored);
        sealed++;
        return again;
      } catch (ProblemException unreadableNow) {
        unreadable++;
        return stored;
      }
    }

    public int sealed() {
      return sealed;
    }

    public int unreadable() {
      return unreadable;
    }
  }

  private static String open(SecretKeySpec key, UUID tenantId, byte[] all) {
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, all, 0, NONCE));
      cipher.updateAAD(tenantId.toString().getBytes(StandardCharsets.UTF_8));
      return new String(cipher.doFinal(all, NONCE, all.length - NONCE), StandardCharsets.UTF_8);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      return null;
    }
  }

  /**
   * An HMAC-SHA256 of the text under a key derived from the deployment's secret, base64url without
   * padding: for tokens the service hands out and must recognise later (unsubscribe links).
   */
  public String sign(String text) {
    return sign(
        macKey.orElseThrow(
            () ->
                new ProblemException(
                    ProblemType.SERVICE_UNAVAILABLE,
                    "the deployment has no encryption key (copilot.secrets.encryption-key)")),
        text);
  }

  private static String sign(SecretKeySpec k, String text) {
    try {
      javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
      mac.init(k);
      return Base64.getUrlEncoder()
          .withoutPadding()
          .encodeToString(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot sign", e);
    }
  }

  /**
   * True when the signature is {@link #sign}'s for the text, under the current key or a previous
   * one (compared in constant time).
   */
  public boolean verify(String text, String signature) {
    byte[] given = signature.getBytes(StandardCharsets.UTF_8);
    boolean ok = MessageDigest.isEqual(sign(text).getBytes(StandardCharsets.UTF_8), given);
    for (SecretKeySpec old : previousMacKeys) {
      ok |= MessageDigest.isEqual(sign(old, text).getBytes(StandardCharsets.UTF_8), given);
    }
    return ok;
  }
}
