package io.smbcopilot.notifications.webhooks;

import com.standardwebhooks.Webhook;
import com.standardwebhooks.exceptions.WebhookSigningException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Signs deliveries as the Standard Webhooks specification says (its reference library, {@code
 * com.standardwebhooks:standardwebhooks}): {@code v1,} and the base64 of HMAC-SHA256 over {@code
 * id.timestamp.body}, with the secret's bytes (after {@code whsec_}, base64) as the key. During a
 * rotation each secret signs, and the signatures are sent space-separated in one header, as the
 * specification allows, so a receiver holding either secret accepts the delivery.
 */
public final class WebhookSigner {
  /** The prefix of a secret, as the specification and its libraries expect. */
  public static final String SECRET_PREFIX = "whsec_";

  /** Random bytes of a new secret (the specification asks for 24 to 64). */
  static final int SECRET_BYTES = 32;

  private static final SecureRandom RANDOM = new SecureRandom();

  private WebhookSigner() {}

  /** A new secret: {@code whsec_} and the base64 of 32 random bytes. */
  public static String newSecret() {
    byte[] bytes = new byte[SECRET_BYTES];
    RANDOM.nextBytes(bytes);
    return SECRET_PREFIX + Base64.getEncoder().encodeToString(bytes);
  }

  /** The {@code webhook-signature} header's value: one signature per secret, space-separated. */
  public static String signature(
      String id, long timestampSeconds, String body, List<String> secrets) {
    if (secrets.isEmpty()) {
      throw new IllegalArgumentException("no secret to sign with");
    }
    return secrets.stream()
        .map(secret -> sign(secret, id, timestampSeconds, body))
        .collect(Collectors.joining(" "));
  }

  private static String sign(String secret, String id, long timestampSeconds, String body) {
    try {
      return new Webhook(secret).sign(id, timestampSeconds, body);
    } catch (WebhookSigningException e) {
      throw new IllegalStateException("a webhook secret cannot sign", e);
    }
  }
}
