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
 */
@ApplicationScoped
public class SecretCipher {
  private static final int NONCE = 12;
  private static final SecureRandom RANDOM = new SecureRandom();
  private final Optional<SecretKeySpec> key;
  private final Optional<SecretKeySpec> macKey;

  public SecretCipher(
      @ConfigProperty(name = "copilot.secrets.encryption-key") Optional<String> secret) {
    this.key = secret.filter(s -> !s.isBlank()).map(SecretCipher::derive);
    // a second key for signatures, derived apart so no key serves two algorithms
    this.macKey =
        secret
            .filter(s -> !s.isBlank())
            .map(s -> new SecretKeySpec(derive("mac:" + s).getEncoded(), "HmacSHA256"));
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
    try {
      byte[] all = Base64.getDecoder().decode(stored);
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.DECRYPT_MODE, key(), new GCMParameterSpec(128, all, 0, NONCE));
      cipher.updateAAD(tenantId.toString().getBytes(StandardCharsets.UTF_8));
      return new String(cipher.doFinal(all, NONCE, all.length - NONCE), StandardCharsets.UTF_8);
    } catch (GeneralSecurityException e) {
      throw new ProblemException(
          ProblemType.SERVICE_UNAVAILABLE,
          "a secret of the tenant cannot be read with the deployment's encryption key; set it"
              + " again");
    }
  }

  /**
   * An HMAC-SHA256 of the text under a key derived from the deployment's secret, base64url without
   * padding: for tokens the service hands out and must recognise later (unsubscribe links).
   */
  public String sign(String text) {
    SecretKeySpec k =
        macKey.orElseThrow(
            () ->
                new ProblemException(
                    ProblemType.SERVICE_UNAVAILABLE,
                    "the deployment has no encryption key (copilot.secrets.encryption-key)"));
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

  /** True when the signature is {@link #sign}'s for the text (compared in constant time). */
  public boolean verify(String text, String signature) {
    return MessageDigest.isEqual(
        sign(text).getBytes(StandardCharsets.UTF_8), signature.getBytes(StandardCharsets.UTF_8));
  }
}
