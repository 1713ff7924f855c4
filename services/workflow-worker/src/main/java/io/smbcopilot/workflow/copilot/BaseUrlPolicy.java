package io.smbcopilot.workflow.copilot;

import io.smbcopilot.problem.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Which base URLs a tenant may point the copilot at: http or https, to a host whose every address
 * is public. Private (10/8, 172.16/12, 192.168/16, fc00::/7), loopback, link-local (169.254/16, the
 * clouds' metadata address among them), shared (100.64/10), unspecified and multicast addresses are
 * refused, and so are the metadata host names, so a tenant cannot make the worker call into the
 * cluster. Operators allow internal hosts (an in-cluster Ollama) by name in {@code
 * copilot.answerer.allowed-hosts}; the deployment's own default provider is theirs and not checked.
 */
@ApplicationScoped
public class BaseUrlPolicy {
  private static final Set<String> METADATA_HOSTS =
      Set.of("metadata.google.internal", "metadata", "instance-data");

  private final Set<String> allowed;

  public BaseUrlPolicy(
      @ConfigProperty(name = "copilot.answerer.allowed-hosts") Optional<List<String>> allowed) {
    this.allowed =
        allowed.orElse(List.of()).stream()
            .map(h -> h.trim().toLowerCase(Locale.ROOT))
            .filter(h -> !h.isEmpty())
            .collect(Collectors.toSet());
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
    String host = uri.getHost().toLowerCase(Locale.ROOT);
    String normalised = baseUrl.trim().replaceAll("/+$", "");
    if (allowed.contains(host)) {
      return normalised;
    }
    if (METADATA_HOSTS.contains(host)) {
      throw ProblemException.invalid("body.baseUrl", "names a cloud metadata service");
    }
    InetAddress[] addresses;
    try {
      addresses = InetAddress.getAllByName(host);
    } catch (UnknownHostException e) {
      throw ProblemException.invalid("body.baseUrl", "its host " + host + " does not resolve");
    }
    for (InetAddress a : addresses) {
      String why = internal(a);
      if (why != null) {
        throw ProblemException.invalid(
            "body.baseUrl",
            "its host "
                + host
                + " resolves to "
                + a.getHostAddress()
                + ", "
                + why
                + "; an operator can allow it in copilot.answerer.allowed-hosts");
      }
    }
    return normalised;
  }

  /** Why the address is not public, or null when it is. */
  static String internal(InetAddress a) {
    if (a.isLoopbackAddress()) {
      return "a loopback address";
    }
    if (a.isLinkLocalAddress()) {
      return "a link-local address (cloud metadata lives there)";
    }
    if (a.isSiteLocalAddress()) {
      return "a private address";
    }
    if (a.isAnyLocalAddress() || a.isMulticastAddress()) {
      return "not a host's address";
    }
    byte[] b = a.getAddress();
    if (a instanceof Inet6Address && (b[0] & 0xfe) == 0xfc) {
      return "a private (unique local) address";
    }
    if (b.length == 4 && (b[0] & 0xff) == 100 && (b[1] & 0xc0) == 64) {
      return "a shared (carrier-grade NAT) address";
    }
    if (b.length == 4 && (b[0] & 0xff) == 0) {
      return "not a host's address";
    }
    return null;
  }
}
