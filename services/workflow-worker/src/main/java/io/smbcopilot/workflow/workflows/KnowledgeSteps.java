package io.smbcopilot.workflow.workflows;

import io.smbcopilot.jobs.JobWorkers;
import io.smbcopilot.problem.ProblemException;
import io.smbcopilot.workflow.client.SearchApi;
import io.smbcopilot.workflow.copilot.AnswerEvent;
import io.smbcopilot.workflow.copilot.CopilotService;
import io.smbcopilot.workflow.copilot.ExtractiveAnswerer;
import io.smbcopilot.workflow.copilot.Metering;
import io.smbcopilot.workflow.workflows.StepWork.Outcome;
import io.smbcopilot.workflow.workflows.StepWork.Task;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.WebApplicationException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/**
 * The steps that read the tenant's knowledge, as the workflow's owner (their internal token from
 * the gateway, so search sees what they may read and nothing more): {@code search} (passages),
 * {@code ask} (a cited copilot answer, metered like any answer, in the step's transaction), and the
 * text of {@code summarize} (extractive) and {@code extract} (patterns) when it is a document.
 */
@ApplicationScoped
public class KnowledgeSteps {
  private final OwnerTokens owners;
  private final SearchApi search;
  private final CopilotService copilot;
  private final Metering metering;

  public KnowledgeSteps(
      OwnerTokens owners, @RestClient SearchApi search, CopilotService copilot, Metering metering) {
    this.owners = owners;
    this.search = search;
    this.copilot = copilot;
    this.metering = metering;
  }

  /** The owner, who must hold the permission. */
  private OwnerTokens.Owner owner(Task task, String permission) {
    OwnerTokens.Owner owner = owners.owner(task.run().tenantId, task.actor());
    if (!owner.has(permission)) {
      throw new StepError(
          "owner",
          "the workflow's owner " + task.actor() + " may not do this any more (" + permission + ")",
          false,
          null);
    }
    return owner;
  }

  Outcome search(Task task, Duration timeout) {
    Map<String, Object> inputs = task.inputs();
    String query = text(inputs.get("query"), "query");
    int topK = number(inputs.get("topK"), 5, 1, 50, "topK");
    OwnerTokens.Owner owner = owner(task, "search");
    SearchApi.Response found;
    try {
      found =
          search
              .search(
                  "Bearer " + owner.token(),
                  new SearchApi.Request(query, topK, "hybrid", filter(inputs), true, null))
              .await()
              .atMost(timeout);
    } catch (WebApplicationException e) {
      throw refused("search", e);
    } catch (RuntimeException e) {
      throw new StepError(
          StepError.CONNECTION, "search cannot be reached: " + e.getMessage(), true, null);
    }
    List<Object> hits = new ArrayList<>();
    for (SearchApi.Hit h : found.hits()) {
      Map<String, Object> hit = new LinkedHashMap<>();
      hit.put("documentId", h.documentId().toString());
      hit.put("title", h.title());
      hit.put("collection", h.collection());
      hit.put("chunkId", h.chunkId());
      hit.put("text", h.text());
      hit.put("score", h.score());
      hit.put("heading", h.location() == null ? Values.NULL : orNull(h.location().headingPath()));
      hit.put(
          "page",
          h.location() == null || h.location().page() == null
              ? Values.NULL
              : (Object) (long) h.location().page());
      hits.add(hit);
    }
    Map<String, Object> output = new LinkedHashMap<>();
    output.put("query", query);
    output.put("count", (long) hits.size());
    output.put("hits", hits);
    return Outcome.of(output);
  }

  Outcome ask(Task task, Duration timeout) {
    Map<String, Object> inputs = task.inputs();
    String question = text(inputs.get("question"), "question");
    OwnerTokens.Owner owner = owner(task, "copilot:ask");
    UUID tenant = task.run().tenantId;
    CopilotService.Asker asker =
        new CopilotService.Asker(tenant, owner.userId(), "Bearer " + owner.token(), owner.plan());
    CopilotService.Scope scope =
        new CopilotService.Scope(
            strings(inputs.get("collections")),
            strings(inputs.get("tags")),
            strings(inputs.get("documentIds")).stream().map(KnowledgeSteps::uuid).toList());
    long started = System.nanoTime();
    List<AnswerEvent> events;
    CopilotService.Prepared prepared;
    try {
      prepared = JobWorkers.awaitOnContext(() -> copilot.prepare(asker, question, null, scope));
      events =
          JobWorkers.awaitOnContext(
              () -> copilot.compose(prepared).collect().asList().ifNoItem().after(timeout).fail());
    } catch (ProblemException e) {
      int status = e.type().status();
      throw new StepError(
          "ask." + status,
          "the copilot could not answer: " + e.getMessage(),
          status == 429 || status >= 500,
          null);
    }
    AnswerEvent.Answered answer = (AnswerEvent.Answered) events.get(events.size() - 1);
    List<Object> citations = new ArrayList<>();
    for (ExtractiveAnswerer.Citation c : answer.citations()) {
      Map<String, Object> cited = new LinkedHashMap<>();
      cited.put("n", (long) c.n());
      cited.put("documentId", c.documentId());
      cited.put("title", c.title());
      cited.put("chunkId", c.chunkId());
      cited.put("quote", c.quote());
      citations.add(cited);
    }
    Map<String, Object> output = new LinkedHashMap<>();
    output.put("answer", answer.text());
    output.put("abstained", answer.abstained());
    output.put("answerer", answer.answerer());
    output.put("citations", citations);
    output.put(
        "usage",
        Map.of(
            "inputTokens", answer.usage().inputTokens(),
            "outputTokens", answer.usage().outputTokens(),
            "estimated", answer.usage().estimated()));
    boolean model = !ExtractiveAnswerer.NAME.equals(answer.answerer());
    Metering.Answer metered =
        new Metering.Answer(
            tenant,
            owner.userId(),
            owner.plan(),
            null,
            null,
            answer.answerer(),
            model ? prepared.settings().provider() : ExtractiveAnswerer.NAME,
            model ? prepared.settings().model() : null,
            answer.abstained(),
            answer.citations().size(),
            answer.usage(),
            (System.nanoTime() - started) / 1_000_000);
    return new Outcome(output, null, null, () -> metering.record(metered));
  }

  /**
   * The text a summarize or extract step works on: its {@code text} input, or the passages of its
   * {@code documentId} (read as the owner, in the document's order).
   */
  String text(Task task, Duration timeout) {
    Map<String, Object> inputs = task.inputs();
    Object text = inputs.get("text");
    Object document = inputs.get("documentId");
    if (document == null || document == Values.NULL) {
      return text(text, "text");
    }
    UUID id = uuid(String.valueOf(document));
    OwnerTokens.Owner owner = owner(task, "search");
    String query = text == null || text == Values.NULL ? "summary overview" : String.valueOf(text);
    SearchApi.Response found;
    try {
      found =
          search
              .search(
                  "Bearer " + owner.token(),
                  new SearchApi.Request(
                      query,
                      50,
                      "hybrid",
                      new SearchApi.Filter(null, null, List.of(id)),
                      false,
                      null))
              .await()
              .atMost(timeout);
    } catch (WebApplicationException e) {
      throw refused("search", e);
    } catch (RuntimeException e) {
      throw new StepError(
          StepError.CONNECTION, "search cannot be reached: " + e.getMessage(), true, null);
    }
    if (found.hits().isEmpty()) {
      throw new StepError(
          "document",
          "the document " + id + " has no text the owner may read (not indexed, or not theirs)",
          false,
          null);
    }
    return found.hits().stream()
        .sorted(java.util.Comparator.comparingInt(SearchApi.Hit::chunk))
        .map(SearchApi.Hit::text)
        .collect(java.util.stream.Collectors.joining("\n\n"));
  }

  Outcome summarize(Task task, Duration timeout) {
    int n = number(task.inputs().get("sentences"), 3, 1, 20, "sentences");
    String text = text(task, timeout);
    List<String> sentences = Summaries.summary(text, n);
    Map<String, Object> output = new LinkedHashMap<>();
    output.put("summary", String.join(" ", sentences));
    output.put("sentences", List.copyOf(sentences));
    output.put("summarizer", ExtractiveAnswerer.NAME);
    return Outcome.of(output);
  }

  Outcome extract(Task task, Duration timeout, com.fasterxml.jackson.databind.ObjectMapper json) {
    Object schema = task.inputs().get("fields");
    if (!(schema instanceof Map<?, ?> map) || !(map.get("properties") instanceof Map<?, ?>)) {
      throw StepError.input("its fields must be a JSON Schema object with properties");
    }
    String text = text(task, timeout);
    Map<String, Object> fields = Extraction.extract(text, Values.toJson(json, schema));
    List<Object> missing = new ArrayList<>();
    Map<String, Object> values = new LinkedHashMap<>();
    fields.forEach(
        (k, v) -> {
          values.put(k, v == null ? Values.NULL : v);
          if (v == null) {
            missing.add(k);
          }
        });
    Map<String, Object> output = new LinkedHashMap<>();
    output.put("fields", values);
    output.put("missing", missing);
    output.put("extractor", "patterns");
    return Outcome.of(output);
  }

  private static StepError refused(String what, WebApplicationException e) {
    int status = e.getResponse().getStatus();
    return new StepError(
        what + "." + status,
        what + " refused (" + status + "): " + e.getMessage(),
        status == 429 || status >= 500,
        null);
  }

  private static SearchApi.Filter filter(Map<String, Object> inputs) {
    List<String> collections = strings(inputs.get("collections"));
    List<String> tags = strings(inputs.get("tags"));
    List<UUID> documents =
        strings(inputs.get("documentIds")).stream().map(KnowledgeSteps::uuid).toList();
    return collections.isEmpty() && tags.isEmpty() && documents.isEmpty()
        ? null
        : new SearchApi.Filter(
            collections.isEmpty() ? null : collections,
            tags.isEmpty() ? null : tags,
            documents.isEmpty() ? null : documents);
  }

  static List<String> strings(Object value) {
    if (value == null || value == Values.NULL) {
      return List.of();
    }
    if (value instanceof List<?> list) {
      return list.stream().map(String::valueOf).toList();
    }
    return List.of(String.valueOf(value));
  }

  private static UUID uuid(String value) {
    try {
      return UUID.fromString(value);
    } catch (IllegalArgumentException e) {
      throw StepError.input("documentIds holds " + value + ", not a document id");
    }
  }

  static String text(Object value, String name) {
    if (value == null || value == Values.NULL || String.valueOf(value).isBlank()) {
      throw StepError.input("its " + name + " is empty");
    }
    return String.valueOf(value);
  }

  static int number(Object value, int otherwise, int min, int max, String name) {
    if (value == null || value == Values.NULL) {
      return otherwise;
    }
    if (!(value instanceof Number n) || n.intValue() < min || n.intValue() > max) {
      throw StepError.input("its " + name + " must be a number from " + min + " to " + max);
    }
    return n.intValue();
  }

  private static Object orNull(String s) {
    return s == null ? Values.NULL : s;
  }
}
