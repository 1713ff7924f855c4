package io.smbcopilot.notifications.webhooks;

import io.smbcopilot.problem.ProblemException;
import io.smbcopilot.security.OutboundAddresses;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which URLs a tenant may register as webhook endpoints: https (http only where the operator allows
 * it), no credentials in the URL, a host whose every address is public ({@link OutboundAddresses}),
 * unless the operator allowed the host by name. Checked when an endpoint is created or changed, and
 * again at every delivery.
 */
@ApplicationScoped
public class EndpointUrls {
  private final Set<String> allowedHosts;
  private final boolean allowHttp;

  public EndpointUrls(WebhookSettings settings) {
    this.allowedHosts =
        settings.allowedHosts().orElse(List.of()).stream()
            .map(h -> h.trim().toLowerCase(Locale.ROOT))
            .filter(h -> !h.isEmpty())
            .collect(Collectors.toSet());
    this.allowHttp = settings.allowHttp();
  }

  /** Refuses the URL with a 400 problem on {@code field} naming why; returns it trimmed. */
  public String check(String field, String url) {
    URI uri;
    try {
      uri = URI.create(url.trim());
    } catch (IllegalArgumentException e) {
      throw ProblemException.invalid(field, "is not a URL");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (uri.getHost() == null || !(scheme.equals("https") || scheme.equals("http"))) {
      throw ProblemException.invalid(field, "must be an https URL with a host");
    }
    if (scheme.equals("http") && !allowHttp) {
      throw ProblemException.invalid(field, "must use https (this deployment refuses http://)");
    }
    if (uri.getUserInfo() != null) {
      throw ProblemException.invalid(field, "must not hold credentials");
    }
    if (uri.getFragment() != null) {
      throw ProblemException.invalid(field, "must not have a fragment");
    }
    if (!allowedHosts.contains(uri.getHost().toLowerCase(Locale.ROOT))) {
      try {
        OutboundAddresses.publicAddresses(uri.getHost());
      } catch (OutboundAddresses.Refused e) {
        throw ProblemException.invalid(field, e.getMessage());
      }
    }
    return url.trim();
  }

  /**
   * The address a delivery connects to, checked now: a public one, or the operator's allowed host's
   * (resolved as it is). The sender connects to exactly this address, so a name that resolves
   * elsewhere a moment later (DNS rebinding) changes nothing.
   */
  public java.net.InetAddress address(String host) throws OutboundAddresses.Refused {
    try {
      return OutboundAddresses.pinned(host, allowedHosts);
    } catch (java.net.UnknownHostException e) {
      throw new OutboundAddresses.Refused("its host " + host + " does not resolve");
    }
  }
}
