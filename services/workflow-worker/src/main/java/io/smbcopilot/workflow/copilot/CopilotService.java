package io.smbcopilot.workflow.copilot;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.opentelemetry.instrumentation.annotations.WithSpan;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smbcopilot.problem.ProblemException;
import io.smbcopilot.problem.ProblemType;
import io.smbcopilot.workflow.client.SearchApi;
import io.smbcopilot.workflow.domain.Conversation;
import io.smbcopilot.workflow.domain.JsonColumns;
import io.smbcopilot.workflow.domain.Message;
import io.smbcopilot.workflow.repository.ConversationRepository;
import io.smbcopilot.workflow.repository.MessageRepository;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.WebApplicationException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/**
 * Answers a question from the caller's documents: retrieval through ingestion-service's search with
 * the caller's own token (never widened), then the answerer; the question and the answer are kept
 * in the caller's conversation.
 */
@ApplicationScoped
public class CopilotService {
  /** Passages retrieved for an answer. */
  static final int PASSAGES = 5;

  /**
   * A question of fewer words is a follow-up: the conversation's last question joins its search.
   */
  static final int FOLLOW_UP_WORDS = 8;

  /** Words of the search query at most (question and history together): the token budget. */
  static final int QUERY_WORDS = 60;

  /** Characters of a new conversation's title, taken from its first question. */
  static final int TITLE_CHARS = 80;

  private final SearchApi search;
  private final ConversationRepository conversations;
  private final MessageRepository messages;
  private final ObjectMapper json;
  private static final org.jboss.logging.Logger LOG =
      org.jboss.logging.Logger.getLogger(CopilotService.class);
  private final ExtractiveAnswerer extractive = new ExtractiveAnswerer();
  private final Answerers answerers;
  private final Metering metering;
  private final CopilotMetrics metrics;

  public CopilotService(
      @RestClient SearchApi search,
      ConversationRepository conversations,
      MessageRepository messages,
      ObjectMapper json,
      Answerers answerers,
      Metering metering,
      CopilotMetrics metrics) {
    this.metrics = metrics;
    this.answerers = answerers;
    this.metering = metering;
    this.search = search;
    this.conversations = conversations;
    this.messages = messages;
    this.json = json;
  }

  /** Who asks: the tenant and user of the verified token, and the token itself for search. */
  public record Asker(UUID tenantId, String userId, String authorization, String plan) {}

  /** What narrows the retrieval: collections (ids or names), tags, documents. */
  public record Scope(List<String> collections, List<String> tags, List<UUID> documentIds) {}

  /**
   * A question ready to answer: who asks, the question as asked and as the answerer gets it (a
   * follow-up rewritten by the model to stand on its own), what rewriting it cost, the passages
   * found.
   */
  public record Prepared(
      Asker asker,
      String question,
      String standalone,
      AnswerEvent.Usage rewriting,
      UUID conversationId,
      List<SearchApi.Hit> hits,
      List<ExtractiveAnswerer.Source> sources,
      ModelSettings settings,
      long startedNanos) {}

  /** Messages of the conversation that a follow-up is read with at most. */
  static final int HISTORY_MESSAGES = 6;

  /** What to search with, what to score sentences against, what the rewriting cost. */
  private record Query(String search, String question, AnswerEvent.Usage rewriting) {}

  /**
   * What can be refused before any answer starts, so a streamed answer can still be refused with a
   * status: a conversation that is not the caller's (404), a filter search refuses, search away.
   */
  @WithSpan("CopilotService.prepare")
  public Uni<Prepared> prepare(Asker asker, String question, UUID conversationId, Scope scope) {
    Uni<List<Message>> history =
        conversationId == null
            ? Uni.createFrom().item(List.of())
            : Panache.withSession(
                () ->
                    conversations
                        .own(asker.tenantId(), asker.userId(), conversationId)
                        .onItem()
                        .ifNull()
                        .failWith(() -> ProblemException.notFound("conversation " + conversationId))
                        .chain(c -> messages.last(c.id, HISTORY_MESSAGES)));
    long started = System.nanoTime();
    return history.chain(
        earlier ->
            answerers
                .forTenant(asker.tenantId())
                .onFailure(ProblemException.class)
                .transform(
                    e ->
                        new ProblemException(
                            ProblemType.BAD_GATEWAY,
                            "the copilot's provider settings cannot be used: " + e.getMessage()))
                // over budget: 429 quota-exceeded, as it is
                .call(
                    settings ->
                        settings.extractive()
                            ? Uni.createFrom().voidItem()
                            : Panache.withSession(
                                () -> metering.checkBudget(asker.tenantId(), asker.plan())))
                .chain(
                    settings ->
                        query(settings, question, earlier)
                            .chain(
                                q ->
                                    retrieve(asker, q.search(), q.question(), scope)
                                        .map(
                                            hits ->
                                                new Prepared(
                                                    asker,
                                                    question,
                                                    q.question(),
                                                    q.rewriting(),
                                                    conversationId,
                                                    hits,
                                                    ExtractiveAnswerer.sources(hits),
                                                    settings,
                                                    started)))));
  }

  /**
   * A follow-up (a question asked in a conversation) with a model answerer is rewritten by the
   * model to stand on its own, and that question is searched and answered; with the extractive
   * answerer, or when the model does not rewrite it, a short follow-up is searched with the
   * conversation's last question beside it.
   */
  private Uni<Query> query(ModelSettings settings, String question, List<Message> earlier) {
    Query terms = new Query(query(question, earlier), question, null);
    if (earlier.isEmpty() || settings.extractive()) {
      return Uni.createFrom().item(terms);
    }
    return answerers
        .model(settings)
        .rewrite(question, earlier)
        .map(r -> new Query(r.question(), r.question(), r.usage()))
        .onFailure()
        .recoverWithItem(
            e -> {
              LOG.warnf(
                  "%s did not rewrite a follow-up; searching with the conversation's terms: %s",
                  settings, e);
              return terms;
            });
  }

  /**
   * The answer's events: the sources first, then the answerer's text and citations as they come,
   * then what it cost and, once the question and answer are kept, done.
   */
  public Multi<AnswerEvent> answer(Prepared prepared) {
    return Multi.createBy()
        .concatenating()
        .streams(
            Multi.createFrom().item(new AnswerEvent.Sources(prepared.sources())),
            compose(prepared)
                .onItem()
                .transformToMultiAndConcatenate(
                    e ->
                        e instanceof AnswerEvent.Answered a
                            ? keep(prepared, a.plus(prepared.rewriting()))
                                .onItem()
                                .transformToMulti(
                                    done ->
                                        Multi.createFrom()
                                            .<AnswerEvent>items(
                                                a.plus(prepared.rewriting()).usage(), done))
                            : Multi.createFrom().item(e)));
  }

  /**
   * The configured answerer's events; the extractive answerer's when no passage is close enough to
   * answer (no model is asked to answer from nothing) or when the provider stays down before its
   * first token (labelled with the reason). A provider that refuses the request (its key, its
   * model) is a problem that names its error. Nothing is kept (evaluations use it as it is).
   */
  public Multi<AnswerEvent> compose(Prepared prepared) {
    // A model's events come on its HTTP client's threads: they go on in the caller's Vert.x
    // context, where keeping the answer (Hibernate Reactive) must run.
    return Multi.createFrom()
        .deferred(
            () -> {
              io.vertx.core.Context context = io.vertx.core.Vertx.currentContext();
              Multi<AnswerEvent> events = composed(prepared);
              return context == null
                  ? events
                  : events.emitOn(task -> context.runOnContext(ignored -> task.run()));
            });
  }

  private Multi<AnswerEvent> composed(Prepared prepared) {
    ModelSettings settings = prepared.settings();
    if (settings.extractive() || extractive.answer(prepared.hits()).abstained()) {
      return extractive.stream(prepared.hits());
    }
    String provider = settings.provider();
    return answerers.model(settings).stream(prepared.standalone(), prepared.hits())
        .onCompletion()
        .invoke(() -> metrics.provider(provider, CopilotMetrics.ProviderOutcome.OK, 1))
        .onFailure(e -> !(e instanceof ModelAnswerer.AfterFirstToken) && !refused(e))
        .recoverWithMulti(
            e -> {
              metrics.provider(provider, CopilotMetrics.ProviderOutcome.FALLBACK, 1);
              LOG.warnf("%s did not answer, the extractive answerer did: %s", settings, e);
              String notice = settings.provider() + " did not answer (" + reason(e) + ")";
              return extractive.stream(prepared.hits())
                  .map(x -> x instanceof AnswerEvent.Answered a ? a.withNotice(notice) : x);
            })
        .onFailure()
        .transform(
            e -> {
              if (!(e instanceof ProblemException)) {
                metrics.provider(
                    provider,
                    e instanceof ModelAnswerer.AfterFirstToken
                        ? CopilotMetrics.ProviderOutcome.FAILED
                        : CopilotMetrics.ProviderOutcome.REFUSED,
                    1);
              }
              return providerProblem(settings, e);
            });
  }

  /** The provider refused the request itself: a key, a model, a request it does not take. */
  private static boolean refused(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof BaseUrlPolicy.ForbiddenAddress) {
        return true;
      }
    }
    return e instanceof dev.langchain4j.exception.AuthenticationException
        || e instanceof dev.langchain4j.exception.ModelNotFoundException
        || e instanceof dev.langchain4j.exception.InvalidRequestException
        || (e instanceof dev.langchain4j.exception.HttpException h
            && h.statusCode() >= 400
            && h.statusCode() < 500
            && h.statusCode() != 429);
  }

  private static String reason(Throwable e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    message = message.replaceAll("\\s+", " ").trim();
    return message.length() <= 300 ? message : message.substring(0, 299) + "…";
  }

  private static Throwable providerProblem(ModelSettings settings, Throwable e) {
    if (e instanceof ProblemException) {
      return e;
    }
    Throwable cause = e instanceof ModelAnswerer.AfterFirstToken ? e.getCause() : e;
    return new ProblemException(
        ProblemType.BAD_GATEWAY,
        "the copilot's provider "
            + settings.provider()
            + (e instanceof ModelAnswerer.AfterFirstToken ? " failed mid-answer: " : " refused: ")
            + reason(cause));
  }

  /**
   * The search query: the question, and for a short follow-up the conversation's last question too
   * (the extractive answerer's use of history), bounded to {@value #QUERY_WORDS} words.
   */
  static String query(String question, List<Message> earlier) {
    String query = question;
    if (question.trim().split("\\s+").length < FOLLOW_UP_WORDS) {
      for (int i = earlier.size() - 1; i >= 0; i--) {
        if (Message.USER.equals(earlier.get(i).role)) {
          query = question + " " + earlier.get(i).content;
          break;
        }
      }
    }
    String[] words = query.trim().split("\\s+");
    return words.length <= QUERY_WORDS
        ? query
        : String.join(" ", java.util.Arrays.copyOf(words, QUERY_WORDS));
  }

  /**
   * The passages for the query, their sentences scored against the question alone (a follow-up's
   * query holds the last question too, whose answer is not wanted again).
   */
  private Uni<List<SearchApi.Hit>> retrieve(
      Asker asker, String query, String question, Scope scope) {
    SearchApi.Filter filter =
        scope == null
            ? null
            : new SearchApi.Filter(scope.collections(), scope.tags(), scope.documentIds());
    return search
        .search(
            asker.authorization(),
            new SearchApi.Request(
                query, PASSAGES, "hybrid", filter, true, query.equals(question) ? null : question))
        .onFailure(WebApplicationException.class)
        .transform(e -> searchProblem((WebApplicationException) e))
        .map(SearchApi.Response::hits);
  }

  /** The question and the answer, in a new conversation or at the end of the caller's own. */
  private Uni<AnswerEvent.Done> keep(Prepared prepared, AnswerEvent.Answered answer) {
    Asker asker = prepared.asker();
    UUID conversationId = prepared.conversationId();
    String question = prepared.question();
    OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
    return Panache.withTransaction(
        () -> {
          Uni<Conversation> conversation;
          if (conversationId == null) {
            Conversation c = new Conversation();
            c.id = UUID.randomUUID();
            c.tenantId = asker.tenantId();
            c.userId = asker.userId();
            c.title = title(question);
            c.createdAt = now;
            c.updatedAt = now;
            conversation = conversations.persist(c);
          } else {
            conversation =
                conversations
                    .own(asker.tenantId(), asker.userId(), conversationId)
                    .onItem()
                    .ifNull()
                    .failWith(() -> ProblemException.notFound("conversation " + conversationId))
                    .invoke(c -> c.updatedAt = now);
          }
          return conversation.chain(
              c ->
                  (conversationId == null
                          ? Uni.createFrom().item(0L)
                          : messages.count("conversationId", c.id))
                      .chain(
                          n -> {
                            Message asked = message(c, n.intValue(), Message.USER, question, now);
                            Message answered =
                                message(c, n.intValue() + 1, Message.ASSISTANT, answer.text(), now);
                            answered.answer =
                                JsonColumns.write(
                                    json,
                                    java.util.Map.of(
                                        "citations", answer.citations(),
                                        "sources", prepared.sources()));
                            answered.abstained = answer.abstained();
                            answered.answerer = answer.answerer();
                            return messages
                                .persist(asked)
                                .chain(() -> messages.persist(answered))
                                .call(m -> metering.record(usage(prepared, answer, c.id, m.id)))
                                .map(
                                    m ->
                                        new AnswerEvent.Done(
                                            c.id,
                                            m.id,
                                            answer.abstained(),
                                            answer.answerer(),
                                            answer.text(),
                                            answer.citations(),
                                            answer.removedCitations(),
                                            answer.notice()));
                          }));
        });
  }

  private static Metering.Answer usage(
      Prepared prepared, AnswerEvent.Answered answer, UUID conversationId, UUID messageId) {
    // a follow-up the model rewrote cost the provider's tokens even when it did not answer
    boolean model =
        !ExtractiveAnswerer.NAME.equals(answer.answerer()) || prepared.rewriting() != null;
    return new Metering.Answer(
        prepared.asker().tenantId(),
        prepared.asker().userId(),
        prepared.asker().plan(),
        conversationId,
        messageId,
        answer.answerer(),
        model ? prepared.settings().provider() : ExtractiveAnswerer.NAME,
        model ? prepared.settings().model() : null,
        answer.abstained(),
        answer.citations().size(),
        answer.usage(),
        (System.nanoTime() - prepared.startedNanos()) / 1_000_000);
  }

  private static Message message(
      Conversation c, int seq, String role, String content, OffsetDateTime now) {
    Message m = new Message();
    m.id = UUID.randomUUID();
    m.conversationId = c.id;
    m.tenantId = c.tenantId;
    m.seq = seq;
    m.role = role;
    m.content = content;
    m.createdAt = now;
    return m;
  }

  static String title(String question) {
    String t = question.replaceAll("\\s+", " ").trim();
    return t.length() <= TITLE_CHARS ? t : t.substring(0, TITLE_CHARS - 1) + "…";
  }

  /** Search's refusal, said as the copilot's (the caller named it, so it is theirs to see). */
  private static Throwable searchProblem(WebApplicationException e) {
    int status = e.getResponse().getStatus();
    return switch (status) {
      case 404 ->
          new ProblemException(
              ProblemType.NOT_FOUND,
              "a collection you named does not exist or you may not read it");
      case 400 -> new ProblemException(ProblemType.VALIDATION, "the search filter is not valid");
      case 503 ->
          new ProblemException(
              ProblemType.SERVICE_UNAVAILABLE, "search is unavailable at the moment; try again");
      default -> new ProblemException(ProblemType.BAD_GATEWAY, "search answered " + status);
    };
  }
}
