package io.smbcopilot.gateway.route;

import io.smbcopilot.security.Permission;
import java.time.Duration;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One public route: methods and a path pattern ({@code {id}} matches one segment, a trailing {@code
 * /**} any rest), the owning service, and what the caller needs.
 *
 * @param permission the permission needed, or null when any authenticated caller may
 * @param isPublic no credential needed (sign-up, accepting an invitation)
 * @param upload large bodies and the upload timeout
 */
public record Route(
    Set<String> methods,
    String template,
    Pattern pattern,
    String upstream,
    Permission permission,
    boolean isPublic,
    boolean upload,
    Duration timeout) {

  public boolean matches(String method, String path) {
    return methods.contains(method) && pattern.matcher(path).matches();
  }

  static Pattern compile(String template) {
    StringBuilder regex = new StringBuilder();
    String rest = template;
    boolean any = rest.endsWith("/**");
    if (any) {
      rest = rest.substring(0, rest.length() - 3);
    }
    for (String part : rest.split("/")) {
      if (part.isEmpty()) {
        continue;
      }
      regex.append('/');
      regex.append(part.startsWith("{") ? "[^/]+" : Pattern.quote(part));
    }
    if (any) {
      regex.append("(/.*)?");
    }
    return Pattern.compile(regex.toString());
  }
}
