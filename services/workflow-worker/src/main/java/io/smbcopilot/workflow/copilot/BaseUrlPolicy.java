package io.smbcopilot.workflow.copilot;

import io.smbcopilot.problem.ProblemException;
import io.smbcopilot.security.OutboundAddresses;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.InetAddress;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Which base URLs a tenant may point the copilot at: http or https, to a host whose every address
 * is public ({@link OutboundAddresses}), so a tenant cannot make the worker call into the cluster.
 * Operators allow internal hosts (an in-cluster Ollama) by name in {@code
 * copilot.answerer.allowed-hosts}; the deployment's own default provider is theirs and not checked.
 */
@ApplicationScoped
public class BaseUrlPolicy {
  private final Set<String> allowed;

  public BaseUrlPolicy(
      @ConfigProperty(name = "copilot.answerer.allowed-hosts") Optional<List<String>> allowed) {
    this.allowed =
        allowed.orElse(List.of()).stream()
            .map(h -> h.trim().toLowerCase(Locale.ROOT))
            .filter(h -> !h.isEmpty())
            .collect(Collectors.toSet());
  }

  /** A tenant's provider host that resolves, at the moment of the call, to an address refused. */
  public static final class ForbiddenAddress extends java.io.IOException {
    ForbiddenAddress(String host, String why) {
      super("the provider's host " + host + " cannot be called: " + why);
    }
  }

  /**
   * The address a call to a tenant's provider host connects to: one of the addresses checked now
   * (every one public), or the system's for a host the operator allowed. The call goes to exactly
   * this address, so a name that resolves again, elsewhere, between the check and the connection
   * (DNS rebinding) cannot reach the cluster.
   */
  public InetAddress address(String host) throws java.io.IOException {
    try {
      return OutboundAddresses.pinned(host, allowed);
    } catch (OutboundAddresses.Refused e) {
      throw new ForbiddenAddress(host, e.getMessage());
    }
  }

  /** Refuses the URL with a 400 problem naming why; returns it normalised (no trailing slash). */
  public String check(String baseUrl) {
    URI uri;
    try {
      uri = URI.create(baseUrl.trim());
    } catch (IllegalArgumentException e) {
      throw ProblemException.invalid("body.baseUrl", "is not a URL");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
      throw ProblemException.invalid("body.baseUrl", "must be an http or https URL with a host");
    }
    if (uri.getUserInfo() != null) {
      throw ProblemException.invalid("body.baseUrl", "must not hold credentials");
    }
    String normalised = baseUrl.trim().replaceAll("/+$", "");
    if (allowed.contains(uri.getHost().toLowerCase(Locale.ROOT))) {
      return normalised;
    }
    try {
      OutboundAddresses.publicAddresses(uri.getHost());
    } catch (OutboundAddresses.Refused e) {
      throw ProblemException.invalid(
          "body.baseUrl",
          e.getMessage()
              + (e.getMessage().contains("resolves to")
                  ? "; an operator can allow it in copilot.answerer.allowed-hosts"
                  : ""));
    }
    return normalised;
  }
}
