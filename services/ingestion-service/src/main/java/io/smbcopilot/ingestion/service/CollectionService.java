package io.smbcopilot.ingestion.service;

import io.opentelemetry.instrumentation.annotations.WithSpan;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import io.smbcopilot.ingestion.index.ChunkIndex;
import io.smbcopilot.ingestion.repository.CollectionRepository;
import io.smbcopilot.ingestion.repository.DocumentRepository;
import io.smbcopilot.outbox.SqlErrors;
import io.smbcopilot.problem.ProblemException;
import io.smbcopilot.problem.ProblemType;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Collections;
import java.util.List;
import java.util.UUID;

/**
 * Collections: every document belongs to one; a tenant starts with {@code general}. A collection
 * may be restricted to some roles or users for reading and for writing; owners and admins may
 * always.
 */
@ApplicationScoped
public class CollectionService {
  public static final String GENERAL = "general";

  public record Collection(
      UUID id,
      String name,
      String description,
      List<String> readRoles,
      List<String> readUsers,
      List<String> writeRoles,
      List<String> writeUsers,
      OffsetDateTime createdAt) {

    static Collection of(io.smbcopilot.ingestion.domain.Collection c) {
      return new Collection(
          c.id,
          c.name,
          c.description,
          List.copyOf(c.readRoles),
          List.copyOf(c.readUsers),
          List.copyOf(c.writeRoles),
          List.copyOf(c.writeUsers),
          c.createdAt);
    }

    public boolean readableBy(Caller caller) {
      return caller.privileged()
          || (readRoles.isEmpty() && readUsers.isEmpty())
          || !Collections.disjoint(readRoles, caller.roles())
          || readUsers.contains(caller.subject());
    }

    public boolean writableBy(Caller caller) {
      return caller.privileged()
          || (writeRoles.isEmpty() && writeUsers.isEmpty())
          || !Collections.disjoint(writeRoles, caller.roles())
          || writeUsers.contains(caller.subject());
    }
  }

  private final CollectionRepository collections;
  private final DocumentRepository documents;
  private final ChunkIndex index;
  private final Vertx vertx;

  public CollectionService(
      CollectionRepository collections,
      DocumentRepository documents,
      ChunkIndex index,
      Vertx vertx) {
    this.collections = collections;
    this.documents = documents;
    this.index = index;
    this.vertx = vertx;
  }

  /** All the tenant's collections, whoever may read them (the live stream checks per follower). */
  @WithSession
  public Uni<List<Collection>> all(UUID tenantId) {
    return collections
        .forTenant(tenantId)
        .map(found -> found.stream().map(Collection::of).toList());
  }

  /**
   * The tenant's collections the caller may read (the tenant's {@code general} made on first use).
   */
  @WithTransaction
  @WithSpan("CollectionService.readable")
  public Uni<List<Collection>> readable(Caller caller) {
    return collections
        .forTenant(caller.tenantId())
        .chain(
            found ->
                found.stream().anyMatch(c -> GENERAL.equals(c.name))
                    ? Uni.createFrom().item(found)
                    : ensureGeneral(caller.tenantId())
                        .chain(() -> collections.forTenant(caller.tenantId())))
        .map(
            found -> found.stream().map(Collection::of).filter(c -> c.readableBy(caller)).toList());
  }

  /** A collection the caller may read, by id or name; 404 otherwise (also for another tenant's). */
  @WithSession
  @WithSpan("CollectionService.readableOne")
  public Uni<Collection> readableOne(Caller caller, String idOrName) {
    return collections.byIdOrName(caller.tenantId(), idOrName).map(found -> visible(caller, found));
  }

  /** The collection, when the caller may read it; 404 otherwise. */
  private static Collection visible(
      Caller caller, io.smbcopilot.ingestion.domain.Collection found) {
    Collection c = found == null ? null : Collection.of(found);
    if (c == null || !c.readableBy(caller)) {
      throw ProblemException.notFound("collection");
    }
    return c;
  }

  /** A collection the caller may write to: 404 when they cannot see it, 403 when only read. */
  @WithTransaction
  public Uni<Collection> writableOne(Caller caller, String idOrName) {
    String name = idOrName == null || idOrName.isBlank() ? GENERAL : idOrName;
    // one query when the collection is there; the tenant's general is made on first use
    return collections
        .byIdOrName(caller.tenantId(), name)
        .chain(
            found ->
                found != null || !GENERAL.equals(name)
                    ? Uni.createFrom().item(found)
                    : ensureGeneral(caller.tenantId())
                        .chain(() -> collections.byIdOrName(caller.tenantId(), GENERAL)))
        .map(found -> visible(caller, found))
        .invoke(
            c -> {
              if (!c.writableBy(caller)) {
                throw new ProblemException(
                    ProblemType.FORBIDDEN,
                    "you may read but not add to the collection " + c.name());
              }
            });
  }

  @WithSpan("CollectionService.create")
  public Uni<Collection> create(
      Caller caller,
      String name,
      String description,
      List<String> readRoles,
      List<String> readUsers,
      List<String> writeRoles,
      List<String> writeUsers) {
    if (name == null || !name.matches("[\\p{L}\\p{N}][\\p{L}\\p{N} ._-]{0,79}")) {
      return Uni.createFrom()
          .failure(
              ProblemException.invalid("name", "1 to 80 letters, digits, spaces, '.', '_' or '-'"));
    }
    io.smbcopilot.ingestion.domain.Collection c = new io.smbcopilot.ingestion.domain.Collection();
    c.id = UUID.randomUUID();
    c.tenantId = caller.tenantId();
    c.name = name;
    c.description = description == null ? "" : description;
    c.readRoles = list(readRoles);
    c.readUsers = list(readUsers);
    c.writeRoles = list(writeRoles);
    c.writeUsers = list(writeUsers);
    c.createdBy = caller.subject();
    c.createdAt = OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
    ProblemException taken =
        new ProblemException(ProblemType.CONFLICT, "a collection named " + name + " exists");
    // a tenant's own "general" is always the built-in one, made first
    return Panache.withTransaction(
            () ->
                ensureGeneral(caller.tenantId())
                    .chain(() -> collections.byIdOrName(caller.tenantId(), name))
                    .chain(
                        existing ->
                            existing != null
                                ? Uni.createFrom().failure(taken)
                                : collections.persist(c)))
        .onFailure(SqlErrors::uniqueViolation)
        .transform(e -> taken)
        .map(Collection::of);
  }

  /** Changes the description or access lists that are given; owners and admins only. */
  @WithTransaction
  @WithSpan("CollectionService.update")
  public Uni<Collection> update(
      Caller caller,
      String idOrName,
      String description,
      List<String> readRoles,
      List<String> readUsers,
      List<String> writeRoles,
      List<String> writeUsers) {
    return managed(caller, idOrName)
        .chain(c -> collections.findById(c.id()))
        .invoke(
            c -> {
              c.description = description == null ? c.description : description;
              c.readRoles = readRoles == null ? c.readRoles : List.copyOf(readRoles);
              c.readUsers = readUsers == null ? c.readUsers : List.copyOf(readUsers);
              c.writeRoles = writeRoles == null ? c.writeRoles : List.copyOf(writeRoles);
              c.writeUsers = writeUsers == null ? c.writeUsers : List.copyOf(writeUsers);
            })
        .map(Collection::of);
  }

  /**
   * Deletes a collection with its documents (originals, chunks) and their vectors; owners and
   * admins only; {@code general} stays.
   */
  @WithSpan("CollectionService.delete")
  public Uni<Void> delete(Caller caller, String idOrName) {
    return Panache.withTransaction(
            () ->
                managed(caller, idOrName)
                    .invoke(
                        c -> {
                          if (GENERAL.equals(c.name())) {
                            throw new ProblemException(
                                ProblemType.CONFLICT, "general cannot be deleted");
                          }
                        })
                    .chain(
                        c ->
                            documents
                                .idsIn(caller.tenantId(), c.id())
                                .call(
                                    ids ->
                                        documents.delete(
                                            "tenantId = ?1 and collectionId = ?2",
                                            caller.tenantId(),
                                            c.id()))
                                .call(ids -> collections.deleteById(c.id()))))
        .chain(
            ids ->
                vertx.executeBlocking(
                    () -> {
                      for (UUID document : ids) {
                        index.deleteDocument(caller.tenantId(), document);
                      }
                      return null;
                    },
                    false))
        .replaceWithVoid();
  }

  private Uni<Collection> managed(Caller caller, String idOrName) {
    return readableOne(caller, idOrName)
        .invoke(
            c -> {
              if (!caller.privileged()) {
                throw new ProblemException(
                    ProblemType.FORBIDDEN,
                    "only owners and admins may change or delete collections");
              }
            });
  }

  /** Makes the tenant's {@code general} collection if it has none, in the current transaction. */
  Uni<Void> ensureGeneral(UUID tenantId) {
    return collections
        .byIdOrName(tenantId, GENERAL)
        .chain(
            found ->
                found != null
                    ? Uni.createFrom().voidItem()
                    : collections.ensure(
                        tenantId, GENERAL, "Every document that names no other collection"));
  }

  private static List<String> list(List<String> values) {
    return values == null ? List.of() : List.copyOf(values);
  }
}
