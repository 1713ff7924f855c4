package io.smbcopilot.notifications.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * The signer against the Standard Webhooks specification: its published example, and a verifier
 * written here from the specification's text (not the sender's code): the signed content is {@code
 * id.timestamp.body}, the key the base64-decoded part of the secret after {@code whsec_}, the
 * signature HMAC-SHA256 in base64 after {@code v1,}, several signatures separated by spaces, a
 * receiver accepts when any one matches.
 */
class WebhookSignerTest {
  static final String SPEC_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  static final String SPEC_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
  static final long SPEC_TIMESTAMP = 1614265330L;
  static final String SPEC_BODY = "{\"test\": 2432232314}";
  static final String SPEC_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

  /** A receiver's check, from the specification's text. */
  static boolean verifies(
      String secret, String id, String timestamp, String body, String signatureHeader)
      throws Exception {
    byte[] key = Base64.getDecoder().decode(secret.substring("whsec_".length()));
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key, "HmacSHA256"));
    byte[] expected =
        mac.doFinal((id + "." + timestamp + "." + body).getBytes(StandardCharsets.UTF_8));
    for (String signature : signatureHeader.split(" ")) {
      int comma = signature.indexOf(',');
      if (comma < 0 || !signature.substring(0, comma).equals("v1")) {
        continue;
      }
      byte[] given = Base64.getDecoder().decode(signature.substring(comma + 1));
      if (MessageDigest.isEqual(expected, given)) {
        return true;
      }
    }
    return false;
  }

  @Test
  void signsTheSpecificationsExampleAsPublished() throws Exception {
    String header =
        WebhookSigner.signature(SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY, List.of(SPEC_SECRET));
    assertThat(header).isEqualTo(SPEC_SIGNATURE);
    assertThat(verifies(SPEC_SECRET, SPEC_ID, "1614265330", SPEC_BODY, header)).isTrue();
    // the verifier itself refuses what it should
    assertThat(verifies(SPEC_SECRET, SPEC_ID, "1614265331", SPEC_BODY, header)).isFalse();
    assertThat(verifies(SPEC_SECRET, SPEC_ID, "1614265330", SPEC_BODY + " ", header)).isFalse();
    assertThat(verifies(SPEC_SECRET, "msg_other", "1614265330", SPEC_BODY, header)).isFalse();
  }

  @Test
  void duringARotationBothSecretsSignAndEitherVerifies() throws Exception {
    String previous = WebhookSigner.newSecret();
    String current = WebhookSigner.newSecret();
    String body = "{\"type\":\"io.smbcopilot.webhook.test.v1\",\"data\":{}}";
    String header =
        WebhookSigner.signature("msg_1", 1_800_000_000L, body, List.of(current, previous));

    assertThat(header.split(" ")).hasSize(2).allSatisfy(s -> assertThat(s).startsWith("v1,"));
    assertThat(verifies(current, "msg_1", "1800000000", body, header)).isTrue();
    assertThat(verifies(previous, "msg_1", "1800000000", body, header)).isTrue();
    assertThat(verifies(WebhookSigner.newSecret(), "msg_1", "1800000000", body, header)).isFalse();
  }

  @Test
  void newSecretsAreThirtyTwoRandomBytesAfterThePrefix() {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 100; i++) {
      String secret = WebhookSigner.newSecret();
      assertThat(secret).startsWith("whsec_");
      assertThat(Base64.getDecoder().decode(secret.substring(6))).hasSize(32);
      seen.add(secret);
    }
    assertThat(seen).hasSize(100);
  }
}
