package io.smbcopilot.problem;

import java.util.UUID;
import java.util.regex.Pattern;

/** The request id: kept from {@code X-Request-Id} when it is sane, generated otherwise. */
public final class RequestId {
  public static final String HEADER = "X-Request-Id";
  public static final String MDC_KEY = "requestId";
  private static final Pattern SANE = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

  private RequestId() {}

  public static String keepOrGenerate(String incoming) {
    if (incoming != null && SANE.matcher(incoming).matches()) {
      return incoming;
    }
    return UUID.randomUUID().toString();
  }
}
