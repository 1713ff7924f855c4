package io.smbcopilot.devstack;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.Writer;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Backs up and restores the embedded platform's data (issue 18): PostgreSQL's two databases (the
 * services' schemas in {@code copilot}, Keycloak's realm in {@code keycloak}) as {@code pg_dump}
 * archives, each one consistent snapshot, and the embedded search index, copied after the dumps;
 * with a manifest of every file's size and SHA-256, checked before a restore changes anything.
 * Kafka is not backed up: the outbox and the inbox are in the databases, and a consumer skips
 * events its restored inbox has applied.
 */
final class Backups {
  static final String MANIFEST = "manifest.properties";
  private static final String INDEX = "index";
  private static final Duration TOOL_TIMEOUT = Duration.ofMinutes(30);

  private final StackHome home;
  private final PostgresServer postgres;

  Backups(StackHome home, PostgresServer postgres) {
    this.home = home;
    this.postgres = postgres;
  }

  /** Writes a backup into {@code dir} (created; it must be empty); answers its manifest. */
  Map<String, String> backup(Path dir) throws Exception {
    long started = System.nanoTime();
    Files.createDirectories(dir);
    try (Stream<Path> existing = Files.list(dir)) {
      if (existing.findAny().isPresent()) {
        throw new IOException(dir + " is not empty: a backup goes into a folder of its own");
      }
    }
    List<String> databases = new ArrayList<>();
    for (String database : List.of(PostgresServer.DATABASE, "keycloak")) {
      if (postgres.sql(
          "postgres", "SELECT 1 FROM pg_database WHERE datname = '" + database + "'")) {
        tool(
            "pg_dump",
            "--format=custom",
            "--file=" + dir.resolve(dumpName(database)),
            "--dbname=" + database);
        databases.add(database);
      }
    }
    Path index = home.dir().resolve(INDEX);
    if (Files.isDirectory(index)) {
      copyIndex(index, dir.resolve(INDEX));
    }
    Map<String, String> manifest = new TreeMap<>();
    manifest.put("created-at", Instant.now().toString());
    manifest.put("project", home.project().toString());
    manifest.put("databases", String.join(",", databases));
    manifest.put("postgres-version", tool("pg_dump", "--version").trim());
    for (Path file : files(dir)) {
      String name = dir.relativize(file).toString().replace('\\', '/');
      manifest.put("file." + name + ".size", String.valueOf(Files.size(file)));
      manifest.put("file." + name + ".sha256", sha256(file));
    }
    manifest.put("seconds", String.format("%.1f", (System.nanoTime() - started) / 1e9));
    Properties out = new Properties();
    out.putAll(manifest);
    try (Writer writer = Files.newBufferedWriter(dir.resolve(MANIFEST))) {
      out.store(writer, "SMB Copilot backup: every file's size and SHA-256");
    }
    return manifest;
  }

  /** Whether the backup holds the embedded index (the chart's CronJob leaves it out). */
  static boolean hasIndex(Path dir) {
    return Files.isDirectory(dir.resolve(INDEX));
  }

  /**
   * Checks every file of the backup against its manifest; throws, having changed nothing, when one
   * is missing, extra or altered. Answers the manifest.
   */
  static Map<String, String> verify(Path dir) throws IOException {
    Properties manifest = new Properties();
    Path file = dir.resolve(MANIFEST);
    if (!Files.isRegularFile(file)) {
      throw new IOException("no " + MANIFEST + " in " + dir + ": not a backup");
    }
    try (Reader reader = Files.newBufferedReader(file)) {
      manifest.load(reader);
    }
    Map<String, String> expected = new TreeMap<>();
    manifest.stringPropertyNames().stream()
        .filter(k -> k.startsWith("file.") && k.endsWith(".sha256"))
        .forEach(k -> expected.put(k.substring(5, k.length() - 7), manifest.getProperty(k)));
    Map<String, String> found = new TreeMap<>();
    for (Path f : files(dir)) {
      String name = dir.relativize(f).toString().replace('\\', '/');
      if (!name.equals(MANIFEST)) {
        found.put(name, sha256(f));
      }
    }
    for (Map.Entry<String, String> e : expected.entrySet()) {
      String actual = found.remove(e.getKey());
      if (actual == null) {
        throw new IOException("the backup lacks " + e.getKey() + "; nothing was restored");
      }
      if (!actual.equals(e.getValue())) {
        throw new IOException(
            e.getKey() + " does not match its checksum in the manifest; nothing was restored");
      }
    }
    if (!found.isEmpty()) {
      throw new IOException(
          "files not in the manifest: " + found.keySet() + "; nothing was restored");
    }
    Map<String, String> all = new LinkedHashMap<>();
    manifest.stringPropertyNames().forEach(k -> all.put(k, manifest.getProperty(k)));
    return all;
  }

  /**
   * Restores the databases and the index of a verified backup. The caller has stopped every service
   * and Keycloak (nothing may hold a connection to the databases dropped here) and has given each
   * role its database or schema ({@link PostgresServer#provision}).
   */
  void restore(Path dir, Map<String, String> manifest) throws Exception {
    for (String database : manifest.getOrDefault("databases", "").split(",")) {
      if (database.isBlank()) {
        continue;
      }
      postgres.sql("postgres", "DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
      tool(
          "pg_restore",
          "--create",
          "--exit-on-error",
          "--dbname=postgres",
          dir.resolve(dumpName(database)).toString());
    }
    Path index = home.dir().resolve(INDEX);
    Supervisor.deleteTree(index);
    if (hasIndex(dir)) {
      copyTree(dir.resolve(INDEX), index);
    }
  }

  private static String dumpName(String database) {
    return "postgres-" + database + ".dump";
  }

  /** Runs one of PostgreSQL's client tools as the superuser over TCP; answers its output. */
  private String tool(String name, String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(postgres.binaries().resolve(name).toString());
    if (!name.equals("pg_dump") || args.length != 1 || !args[0].equals("--version")) {
      command.addAll(
          List.of(
              "--host=" + Net.LOOPBACK,
              "--port=" + postgres.port(),
              "--username=" + PostgresServer.SYSTEM_USER,
              "--no-password"));
    }
    command.addAll(List.of(args));
    return Processes.run(command, Map.of("PGPASSWORD", postgres.superuserPassword()), TOOL_TIMEOUT);
  }

  /**
   * Copies a live Lucene index: its files are written once and never changed, so a copy of all the
   * files there are holds the last commit whole, unless a merge deleted one of them meanwhile; then
   * the copy is made again.
   */
  private static void copyIndex(Path from, Path to) throws Exception {
    for (int attempt = 1; ; attempt++) {
      try {
        Supervisor.deleteTree(to);
        copyTree(from, to);
        return;
      } catch (NoSuchFileException gone) {
        if (attempt == 5) {
          throw new IOException("the index kept changing while it was copied: try again", gone);
        }
      }
    }
  }

  private static void copyTree(Path from, Path to) throws IOException {
    Files.walkFileTree(
        from,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs)
              throws IOException {
            Files.createDirectories(to.resolve(from.relativize(dir).toString()));
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            if (!file.getFileName().toString().equals("write.lock")) {
              Files.copy(
                  file,
                  to.resolve(from.relativize(file).toString()),
                  StandardCopyOption.REPLACE_EXISTING);
            }
            return FileVisitResult.CONTINUE;
          }
        });
  }

  private static List<Path> files(Path dir) throws IOException {
    try (Stream<Path> all = Files.walk(dir)) {
      return all.filter(Files::isRegularFile).sorted().toList();
    }
  }

  static String sha256(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      byte[] buffer = new byte[1 << 16];
      for (int n; (n = in.read(buffer)) > 0; ) {
        digest.update(buffer, 0, n);
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
