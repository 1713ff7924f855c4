package io.smbcopilot.devstack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The folders of one stack: {@code <project>/.copilot/<stack>} holds data, logs, the state file and
 * generated secrets; {@code <project>/.copilot/dist} holds the server distributions that
 * libs/devstack-dist fetched from Maven Central.
 *
 * @param project the repository's root folder
 * @param dir this stack's folder (for example .copilot/dev or .copilot/test)
 */
public record StackHome(Path project, Path dir) {

  public Path dist() {
    return project.resolve(".copilot").resolve("dist");
  }

  public Path logs() {
    return dir.resolve("logs");
  }

  public Path stateFile() {
    return dir.resolve("state.properties");
  }

  public Path secretsFile() {
    return dir.resolve("secrets.properties");
  }

  /** The stack folder named {@code stack} of the project that contains {@code start}. */
  public static StackHome of(Path start, String stack) throws IOException {
    Path project = findProjectRoot(start);
    Path dir = project.resolve(".copilot").resolve(stack);
    Files.createDirectories(dir);
    return new StackHome(project, dir);
  }

  /** Walks up from {@code start} to the folder holding the launcher and the root pom. */
  public static Path findProjectRoot(Path start) throws IOException {
    String configured = System.getenv("COPILOT_PROJECT_DIR");
    if (configured != null && !configured.isBlank()) {
      return Path.of(configured).toAbsolutePath().normalize();
    }
    Path current = start.toAbsolutePath().normalize();
    while (current != null) {
      if (Files.exists(current.resolve("copilot")) && Files.exists(current.resolve("pom.xml"))) {
        return current;
      }
      current = current.getParent();
    }
    throw new IOException("Not inside the SMB Copilot repository: " + start.toAbsolutePath());
  }
}
