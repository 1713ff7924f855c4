package io.smbcopilot.security;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Where a tenant may make a service connect (a copilot provider's base URL, a webhook endpoint):
 * hosts whose every address is public. Private (10/8, 172.16/12, 192.168/16, fc00::/7), loopback,
 * link-local (169.254/16, the clouds' metadata address among them), shared (carrier-grade NAT,
 * 100.64/10), unspecified and multicast addresses are refused, and so are the metadata host names.
 * Operators allow internal hosts by name. The addresses checked are returned, so a caller can
 * connect to exactly those (a name that resolves again, differently, cannot slip through).
 */
public final class OutboundAddresses {
  private static final Set<String> METADATA_HOSTS =
      Set.of("metadata.google.internal", "metadata", "instance-data");

  private OutboundAddresses() {}

  /** The host may not be reached; the message says why, for the tenant who named it. */
  public static final class Refused extends Exception {
    public Refused(String reason) {
      super(reason, null, false, false);
    }
  }

  /**
   * The host's addresses, every one of them public. (Hosts an operator allowed are the caller's to
   * let through before asking.)
   *
   * @throws Refused when the host does not resolve, is a metadata name, or any address is internal
   */
  public static List<InetAddress> publicAddresses(String host) throws Refused {
    String name = host.toLowerCase(Locale.ROOT);
    if (name.startsWith("[") && name.endsWith("]")) {
      name = name.substring(1, name.length() - 1);
    }
    if (METADATA_HOSTS.contains(name)) {
      throw new Refused("names a cloud metadata service");
    }
    InetAddress[] addresses;
    try {
      addresses = InetAddress.getAllByName(name);
    } catch (UnknownHostException e) {
      throw new Refused("its host " + name + " does not resolve");
    }
    for (InetAddress a : addresses) {
      String why = internal(a);
      if (why != null) {
        throw new Refused("its host " + name + " resolves to " + a.getHostAddress() + ", " + why);
      }
    }
    return List.of(addresses);
  }

  /**
   * The address a call to the host connects to, checked now: for a host the operator allowed
   * ({@code allowed}, lower-case names) the system's answer; otherwise the first of its addresses,
   * every one of them public. The caller connects to exactly this address, so a name that resolves
   * elsewhere a moment later (DNS rebinding) changes nothing.
   *
   * @throws Refused when the host is not allowed and does not resolve or is internal
   * @throws UnknownHostException when an allowed host does not resolve (perhaps for a moment)
   */
  public static InetAddress pinned(String host, java.util.Set<String> allowed)
      throws Refused, UnknownHostException {
    if (allowed.contains(host.toLowerCase(Locale.ROOT))) {
      return InetAddress.getByName(host);
    }
    return publicAddresses(host).get(0);
  }

  /** Why the address is not public, or null when it is. */
  public static String internal(InetAddress a) {
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
