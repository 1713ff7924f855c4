package io.smbcopilot.devstack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Finds a JDK 21 or newer for the servers (Keycloak needs 21+) and the services. */
final class Jdk {
  private Jdk() {}

  static Path home() throws IOException {
    String configured = System.getenv("JAVA_HOME");
    if (configured != null && major(Path.of(configured)) >= 21) {
      return Path.of(configured);
    }
    if (Runtime.version().feature() >= 21) {
      return Path.of(System.getProperty("java.home"));
    }
    List<Path> candidates = new ArrayList<>();
    for (String root : List.of("/usr/lib/jvm", "/opt/java")) {
      Path dir = Path.of(root);
      if (Files.isDirectory(dir)) {
        try (Stream<Path> list = Files.list(dir)) {
          list.filter(p -> major(p) >= 21).forEach(candidates::add);
        }
      }
    }
    return candidates.stream()
        .max((a, b) -> Integer.compare(major(a), major(b)))
        .orElseThrow(() -> new IOException("no JDK 21 or newer found"));
  }

  static int major(Path home) {
    Path release = home.resolve("release");
    if (!Files.isExecutable(home.resolve("bin").resolve("java")) || !Files.exists(release)) {
      return 0;
    }
    try {
      for (String line : Files.readAllLines(release)) {
        if (line.startsWith("JAVA_VERSION=")) {
          String v = line.substring("JAVA_VERSION=".length()).replace("\"", "");
          return Integer.parseInt(v.split("[.+-]")[0]);
        }
      }
    } catch (IOException | NumberFormatException e) {
      return 0;
    }
    return 0;
  }
}
