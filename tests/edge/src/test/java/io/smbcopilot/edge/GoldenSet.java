package io.smbcopilot.edge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smbcopilot.devstack.StackHome;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The copilot's golden set (tests/golden): documents a tenant uploads, and questions with the fact
 * each answer must hold; a fifth of them cannot be answered from the documents.
 */
final class GoldenSet {
  private GoldenSet() {}

  static Path home() throws IOException {
    return StackHome.findProjectRoot(Path.of("")).resolve("tests").resolve("golden");
  }

  static List<Path> documents() throws IOException {
    try (Stream<Path> files = Files.list(home().resolve("documents"))) {
      return files.sorted().toList();
    }
  }

  /** The evaluation request: every question, with its expected fact or none (to be refused). */
  static ObjectNode request(String name) throws IOException {
    JsonNode set = Edge.JSON.readTree(home().resolve("questions.json").toFile());
    ObjectNode request = Edge.JSON.createObjectNode().put("name", name);
    ArrayNode questions = request.putArray("questions");
    for (JsonNode q : set.get("questions")) {
      ObjectNode question = questions.addObject().put("question", q.get("question").asText());
      if (q.has("expected")) {
        question.put("expected", q.get("expected").asText());
      }
    }
    return request;
  }

  /** Uploads the documents for the user and waits until they are indexed; their ids. */
  static List<String> upload(Edge edge, Edge.User user) throws Exception {
    List<String> ids = new ArrayList<>();
    for (Path document : documents()) {
      ids.add(
          CopilotAcceptanceTest.uploadIndexed(
              edge, user, document.getFileName().toString(), Files.readString(document)));
    }
    return ids;
  }
}
