package io.smbcopilot.notifications.webhooks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.smbcopilot.events.CloudEvent;
import io.smbcopilot.jobs.Job;
import io.smbcopilot.jobs.JobQueue;
import io.smbcopilot.jobs.JobWorkers;
import io.smbcopilot.jobs.Jobs;
import io.smbcopilot.jobs.WorkerSlot;
import io.smbcopilot.notifications.domain.WebhookAttempt;
import io.smbcopilot.notifications.domain.WebhookEndpoint;
import io.smbcopilot.notifications.domain.WebhookMessage;
import io.smbcopilot.notifications.repository.WebhookAttemptRepository;
import io.smbcopilot.notifications.repository.WebhookEndpointRepository;
import io.smbcopilot.notifications.repository.WebhookMessageRepository;
import io.smbcopilot.notifications.service.NotificationService;
import io.smbcopilot.security.OutboundAddresses;
import io.smbcopilot.security.SecretCipher;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import org.jboss.logging.Logger;

/**
 * Partner webhook deliveries: an event becomes one message per enabled endpoint of its tenant that
 * takes its type, in the transaction that records the event (so none is lost and none is made
 * twice), with a job of the {@value #QUEUE} queue ({@code libs/jobs}). A job sends its message,
 * signed, to the address checked at that moment, logs the attempt and either settles the message (a
 * 2xx; a 410 disables the endpoint) or asks the queue to run it again on the schedule. A job is
 * claimed by one worker at a time with a lease, so a message is never sent twice at once; a worker
 * that dies mid-attempt leaves the job to be claimed again when its lease ends, and the receiver
 * sees a retry with the same {@code webhook-id}.
 */
@ApplicationScoped
public class Deliveries implements JobWorkers.Handler {
  public static final String QUEUE = "webhooks";
  private static final Logger LOG = Logger.getLogger(Deliveries.class);
  private static final int MAX_ERROR = 1000;
  private static final int MAX_CLAIMS = 100_000;

  private final WebhookEndpointRepository endpoints;
  private final WebhookMessageRepository messages;
  private final WebhookAttemptRepository attempts;
  private final Jobs jobs;
  private final SecretCipher cipher;
  private final WebhookSender sender;
  private final WebhookSettings settings;
  private final NotificationService notifications;
  private final DeliverySchedule schedule;
  private final ObjectMapper json;
  private final Pool pool;
  private final MeterRegistry registry;
  private final io.micrometer.core.instrument.Counter delivered;
  private final io.micrometer.core.instrument.Counter failed;
  private final io.micrometer.core.instrument.Counter disabled;
  private final EndpointUrls urls;
  private final Map<UUID, Semaphore> perEndpoint = new ConcurrentHashMap<>();
  private final WorkerSlot workers = new WorkerSlot();

  public Deliveries(
      WebhookEndpointRepository endpoints,
      WebhookMessageRepository messages,
      WebhookAttemptRepository attempts,
      Jobs jobs,
      SecretCipher cipher,
      WebhookSender sender,
      WebhookSettings settings,
      NotificationService notifications,
      ObjectMapper json,
      Pool pool,
      MeterRegistry registry,
      EndpointUrls urls) {
    this.notifications = notifications;
    this.urls = urls;
    this.endpoints = endpoints;
    this.messages = messages;
    this.attempts = attempts;
    this.jobs = jobs;
    this.cipher = cipher;
    this.sender = sender;
    this.settings = settings;
    this.schedule = new DeliverySchedule(settings.retrySchedule());
    this.json = json;
    this.pool = pool;
    this.registry = registry;
    this.delivered = attemptCounter(registry, "delivered");
    this.failed = attemptCounter(registry, "failed");
    this.disabled =
        io.micrometer.core.instrument.Counter.builder("copilot.webhook.endpoints.disabled")
            .description("Webhook endpoints disabled for failing (410 Gone or past disable-after)")
            .register(registry);
  }

  private static io.micrometer.core.instrument.Counter attemptCounter(
      MeterRegistry registry, String outcome) {
    return io.micrometer.core.instrument.Counter.builder("copilot.webhook.attempts")
        .description("Webhook delivery attempts, by outcome")
        .tag("outcome", outcome)
        .register(registry);
  }

  void start(@Observes StartupEvent event) {
    if (settings.workers() <= 0) {
      return;
    }
    workers.start(
        new JobWorkers(
            new JobQueue(pool),
            new JobWorkers.Settings(
                QUEUE,
                settings.workers(),
                settings.timeout().multipliedBy(2),
                Duration.ofMillis(500),
                // the schedule is this class's (RetryLater), and a job waiting for a slot of a
                // busy endpoint is claimed again every 250 ms: claims are no measure of attempts
                // here; this only stops a job whose workers keep dying before it settles
                MAX_CLAIMS,
                Duration.ofSeconds(1),
                Duration.ofMinutes(1),
                settings.timeout().plusSeconds(30),
                0),
            this,
            "webhooks-" + UUID.randomUUID(),
            registry));
  }

  void stop(@Observes ShutdownEvent event) {
    workers.close();
  }

  /** A message was queued and committed: a worker takes it now rather than at its next poll. */
  public void wake() {
    workers.wake();
  }

  /**
   * The event's messages, one per enabled endpoint of its tenant that takes its type; in the
   * caller's transaction.
   */
  /**
   * Whether an endpoint of the event's tenant takes it: most events go to none, and the inbox then
   * writes nothing for them ({@code EventHandlers.onlyWhen}).
   */
  public Uni<Boolean> wanted(CloudEvent event) {
    UUID tenant = UUID.fromString(event.tenantId());
    return endpoints
        .list("tenantId = ?1 and enabled = true", tenant)
        .map(found -> found.stream().anyMatch(e -> takes(e, event)));
  }

  /** The endpoint takes events of this type, and this one happened after it was registered. */
  private boolean takes(WebhookEndpoint e, CloudEvent event) {
    // an endpoint gets what happened since it was registered (the consumer starts from the
    // topics' beginning the first time)
    return takes(e, event.type()) && !event.time().isBefore(e.createdAt);
  }

  public Uni<Void> fanOut(CloudEvent event) {
    UUID tenant = UUID.fromString(event.tenantId());
    return endpoints
        .list("tenantId = ?1 and enabled = true", tenant)
        .chain(
            found -> {
              Uni<Void> chain = Uni.createFrom().voidItem();
              for (WebhookEndpoint e : found) {
                if (takes(e, event)) {
                  chain =
                      chain.chain(
                          () -> queue(e, event.id(), event.type(), body(event)).replaceWithVoid());
                }
              }
              return chain;
            });
  }

  /** A test event for the endpoint, queued in the caller's transaction. */
  public Uni<WebhookMessage> test(WebhookEndpoint endpoint) {
    ObjectNode body = json.createObjectNode();
    body.put("type", EventCatalog.TEST);
    body.put("timestamp", now().toString());
    body.putObject("data").put("endpointId", endpoint.id.toString()).put("test", true);
    return queue(endpoint, null, EventCatalog.TEST, body.toString());
  }

  /**
   * The message is sent again from the start of the schedule, with the same id; in a transaction.
   */
  public Uni<WebhookMessage> redeliver(WebhookMessage message) {
    message.status = WebhookMessage.PENDING;
    message.attempts = 0;
    message.nextAttemptAt = now();
    message.updatedAt = now();
    return jobs.enqueue(QUEUE, message.tenantId, payload(message.id), Duration.ZERO)
        .replaceWith(message);
  }

  private Uni<WebhookMessage> queue(
      WebhookEndpoint endpoint, String eventId, String type, String body) {
    OffsetDateTime now = now();
    WebhookMessage m = new WebhookMessage();
    m.id = "msg_" + UUID.randomUUID();
    m.tenantId = endpoint.tenantId;
    m.endpointId = endpoint.id;
    m.eventId = eventId;
    m.eventType = type;
    m.body = body;
    m.status = WebhookMessage.PENDING;
    m.nextAttemptAt = now;
    m.createdAt = now;
    m.updatedAt = now;
    return messages
        .persist(m)
        .call(() -> jobs.enqueue(QUEUE, endpoint.tenantId, payload(m.id), Duration.ZERO));
  }

  private String payload(String messageId) {
    return json.createObjectNode().put("message", messageId).toString();
  }

  private String body(CloudEvent event) {
    ObjectNode body = json.createObjectNode();
    body.put("type", event.type());
    body.put("timestamp", event.time().toString());
    body.set("data", event.data());
    return body.toString();
  }

  private boolean takes(WebhookEndpoint e, String type) {
    try {
      List<String> types = readTypes(e);
      return types.isEmpty() || types.contains(type);
    } catch (java.io.IOException ex) {
      LOG.warnf("webhook endpoint %s: its event types cannot be read: %s", e.id, ex);
      return false;
    }
  }

  private List<String> readTypes(WebhookEndpoint e) throws java.io.IOException {
    List<String> types = new ArrayList<>();
    json.readTree(e.eventTypes).path("types").forEach(t -> types.add(t.asText()));
    return types;
  }

  /** What one attempt found, to be recorded. */
  private record Attempted(WebhookSender.Outcome outcome, int millis, OffsetDateTime at) {}

  @Override
  public Uni<Void> handle(Job job) {
    return Uni.createFrom()
        .item(
            () -> {
              deliver(job);
              return null;
            });
  }

  private void deliver(Job job) {
    String messageId = messageOf(job);
    Loaded loaded =
        JobWorkers.awaitOnContext(() -> Panache.withSession(() -> load(job.tenantId(), messageId)));
    if (loaded == null || !WebhookMessage.PENDING.equals(loaded.message().status)) {
      return; // delivered meanwhile, redelivered by another job, or deleted with its endpoint
    }
    WebhookEndpoint endpoint = loaded.endpoint();
    if (!endpoint.enabled) {
      settle(messageId, null, "the endpoint is disabled", Optional.empty());
      return;
    }
    Semaphore slots =
        perEndpoint.computeIfAbsent(endpoint.id, id -> new Semaphore(settings.perEndpoint()));
    if (!slots.tryAcquire()) {
      throw new JobWorkers.RetryLater(
          Duration.ofMillis(250), "the endpoint has " + settings.perEndpoint() + " under way");
    }
    try {
      URI url = URI.create(endpoint.url);
      InetAddress address;
      try {
        address = urls.address(url.getHost());
      } catch (OutboundAddresses.Refused e) {
        settle(messageId, new Attempted(null, 0, now()), e.getMessage(), Optional.empty());
        return;
      }
      List<String> secrets = new ArrayList<>();
      secrets.add(cipher.decrypt(endpoint.tenantId, endpoint.secretEncrypted));
      if (endpoint.previousSecretEncrypted != null
          && endpoint.previousSecretExpiresAt != null
          && endpoint.previousSecretExpiresAt.isAfter(now())) {
        secrets.add(cipher.decrypt(endpoint.tenantId, endpoint.previousSecretEncrypted));
      }
      long timestamp = Instant.now().getEpochSecond();
      String body = loaded.message().body;
      Map<String, String> headers = new LinkedHashMap<>();
      headers.put("webhook-id", messageId);
      headers.put("webhook-timestamp", Long.toString(timestamp));
      headers.put(
          "webhook-signature", WebhookSigner.signature(messageId, timestamp, body, secrets));
      OffsetDateTime at = now();
      long started = System.nanoTime();
      WebhookSender.Outcome outcome =
          sender
              .send(url, address, headers, body)
              .await()
              .atMost(settings.timeout().plusSeconds(5));
      int millis = (int) ((System.nanoTime() - started) / 1_000_000);
      Attempted attempted = new Attempted(outcome, millis, at);
      if (outcome.success()) {
        settle(messageId, attempted, null, Optional.empty());
        return;
      }
      String error =
          outcome.status() == null
              ? cut(outcome.error())
              : "the receiver answered " + outcome.status();
      Optional<Duration> retryAfter =
          outcome.status() != null && (outcome.status() == 429 || outcome.status() == 503)
              ? io.smbcopilot.security.RetryAfter.parse(outcome.retryAfter(), Instant.now())
              : Optional.empty();
      Optional<Duration> next = settle(messageId, attempted, error, retryAfter);
      if (next.isPresent()) {
        throw new JobWorkers.RetryLater(next.get(), error);
      }
    } finally {
      slots.release();
    }
  }

  private record Loaded(WebhookMessage message, WebhookEndpoint endpoint) {}

  private Uni<Loaded> load(UUID tenantId, String messageId) {
    return messages
        .find("tenantId = ?1 and id = ?2", tenantId, messageId)
        .firstResult()
        .chain(
            m ->
                m == null
                    ? Uni.createFrom().nullItem()
                    : endpoints
                        .own(tenantId, m.endpointId)
                        .map(e -> e == null ? null : new Loaded(m, e)));
  }

  /**
   * Logs the attempt (when one was made) and settles the message: delivered without an error;
   * failed when no retry is left or none is wanted; else pending until the next attempt, whose
   * delay is returned.
   */
  private Optional<Duration> settle(
      String messageId, Attempted attempted, String error, Optional<Duration> retryAfter) {
    return JobWorkers.awaitOnContext(
        () ->
            Panache.withTransaction(
                () ->
                    messages
                        .findById(messageId)
                        .call(m -> m == null ? Uni.createFrom().voidItem() : health(m, attempted))
                        .chain(
                            m -> {
                              if (m == null) {
                                return Uni.createFrom().item(Optional.<Duration>empty());
                              }
                              OffsetDateTime now = now();
                              Optional<Duration> next = Optional.empty();
                              if (attempted != null) {
                                m.attempts++;
                              }
                              if (error == null) {
                                m.status = WebhookMessage.DELIVERED;
                                m.nextAttemptAt = null;
                              } else {
                                // retried: an attempt that got no answer or one that is not 410;
                                // not: a refused address, a disabled endpoint (no attempt made)
                                boolean retry =
                                    attempted != null
                                        && attempted.outcome() != null
                                        && !Integer.valueOf(410)
                                            .equals(attempted.outcome().status());
                                next =
                                    retry
                                        ? schedule.after(m.attempts, retryAfter)
                                        : Optional.empty();
                                m.status =
                                    next.isPresent()
                                        ? WebhookMessage.PENDING
                                        : WebhookMessage.FAILED;
                                m.nextAttemptAt = next.map(now::plus).orElse(null);
                              }
                              m.updatedAt = now;
                              Optional<Duration> result = next;
                              if (attempted == null) {
                                return Uni.createFrom().item(result);
                              }
                              (error == null ? delivered : failed).increment();
                              WebhookAttempt a = new WebhookAttempt();
                              a.id = UUID.randomUUID();
                              a.tenantId = m.tenantId;
                              a.messageId = m.id;
                              a.attemptedAt = attempted.at();
                              a.durationMs = attempted.millis();
                              if (attempted.outcome() != null) {
                                a.statusCode = attempted.outcome().status();
                                a.response = attempted.outcome().response();
                              }
                              a.error = error == null ? null : cut(error);
                              return attempts.persist(a).replaceWith(result);
                            })));
  }

  /**
   * The endpoint's health after an attempt: a success ends its failing; a failure starts it, and
   * one past {@code disable-after} of failing, or a 410, disables the endpoint and tells the admin
   * who registered it. In the attempt's transaction.
   */
  private Uni<Void> health(WebhookMessage m, Attempted attempted) {
    if (attempted == null || attempted.outcome() == null) {
      return Uni.createFrom().voidItem();
    }
    return endpoints
        .own(m.tenantId, m.endpointId)
        .chain(
            e -> {
              if (e == null) {
                return Uni.createFrom().voidItem();
              }
              WebhookSender.Outcome outcome = attempted.outcome();
              OffsetDateTime now = now();
              if (outcome.success()) {
                e.failingSince = null;
                return Uni.createFrom().voidItem();
              }
              if (e.failingSince == null) {
                e.failingSince = attempted.at();
              }
              String reason = null;
              if (Integer.valueOf(410).equals(outcome.status())) {
                reason = "the receiver answered 410 Gone";
              } else if (Duration.between(e.failingSince, now).compareTo(settings.disableAfter())
                  >= 0) {
                reason = "its deliveries have failed since " + e.failingSince;
              }
              if (reason == null || !e.enabled) {
                return Uni.createFrom().voidItem();
              }
              e.enabled = false;
              disabled.increment();
              e.disabledReason = reason;
              e.updatedAt = now;
              LOG.infof("webhook endpoint %s disabled: %s", e.id, reason);
              return notifications.webhookDisabled(e.tenantId, e.id, e.url, reason);
            });
  }

  /** The queue gave up on the job: its message failed, with the reason. */
  @Override
  public Uni<Void> dead(Job job, String reason) {
    LOG.warnf("webhook job %s stopped: %s", job.id(), reason);
    return Uni.createFrom()
        .item(
            () -> {
              try {
                settle(messageOf(job), null, reason, Optional.empty());
              } catch (RuntimeException e) {
                LOG.warnf(
                    "webhook job %s: its message could not be marked failed: %s", job.id(), e);
              }
              return null;
            });
  }

  private String messageOf(Job job) {
    try {
      return json.readTree(job.payload()).path("message").asText();
    } catch (java.io.IOException e) {
      throw new IllegalStateException("not a webhook job: " + job.payload(), e);
    }
  }

  private static String cut(String s) {
    return s == null || s.length() <= MAX_ERROR ? s : s.substring(0, MAX_ERROR);
  }

  private static OffsetDateTime now() {
    return OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
  }
}
