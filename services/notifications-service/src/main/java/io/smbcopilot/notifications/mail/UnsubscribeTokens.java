package io.smbcopilot.notifications.mail;

import io.smbcopilot.security.SecretCipher;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import java.util.UUID;

/**
 * The token of a mail's unsubscribe link: who (tenant, user) stops which email ({@code kind}, or
 * {@value #ALL} for every kind and the digest), signed with a key derived from the deployment's
 * secret, so it needs no sign-in and cannot be made for someone else. It does not expire: a mail
 * read months later still unsubscribes (RFC 8058 one-click).
 */
@ApplicationScoped
public class UnsubscribeTokens {
  public static final String ALL = "all";

  /** What a token stops. */
  public record Target(UUID tenantId, String userId, String kind) {}

  private final SecretCipher cipher;

  public UnsubscribeTokens(SecretCipher cipher) {
    this.cipher = cipher;
  }

  /**
   * The address of the one-click unsubscribe for this user and kind; null when the deployment has
   * no key to sign with (the mail then points to the settings page alone).
   */
  public String url(MailComposer composer, UUID tenantId, String userId, String kind) {
    return cipher.available() ? composer.unsubscribeUrl(make(tenantId, userId, kind)) : null;
  }

  public String make(UUID tenantId, String userId, String kind) {
    String text = tenantId + "\n" + userId + "\n" + kind;
    return Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString(text.getBytes(StandardCharsets.UTF_8))
        + "."
        + cipher.sign(text);
  }

  /** The target of a genuine token; empty for anything else. */
  public Optional<Target> read(String token) {
    if (token == null) {
      return Optional.empty();
    }
    int dot = token.indexOf('.');
    if (dot <= 0 || dot == token.length() - 1) {
      return Optional.empty();
    }
    try {
      String text =
          new String(
              Base64.getUrlDecoder().decode(token.substring(0, dot)), StandardCharsets.UTF_8);
      if (!cipher.verify(text, token.substring(dot + 1))) {
        return Optional.empty();
      }
      String[] parts = text.split("\n", -1);
      if (parts.length != 3) {
        return Optional.empty();
      }
      return Optional.of(new Target(UUID.fromString(parts[0]), parts[1], parts[2]));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
