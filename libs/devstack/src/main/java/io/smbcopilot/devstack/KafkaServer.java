package io.smbcopilot.devstack;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A single-node KRaft Kafka broker (broker and controller in one process) run from the {@code
 * org.apache.kafka:kafka_2.13} jars that libs/devstack-dist copied to .copilot/dist.
 */
final class KafkaServer implements Component {
  static final String VERSION = "4.3.0";
  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

  private final StackHome home;
  private final Path jdk;
  private int port;
  private int controllerPort;
  private final ChildProcess process;

  KafkaServer(StackHome home, Path jdk, int preferredPort) {
    this.home = home;
    this.jdk = jdk;
    this.port = preferredPort;
    this.process = new ChildProcess(Names.KAFKA, log(), Duration.ofSeconds(30));
  }

  @Override
  public String name() {
    return Names.KAFKA;
  }

  Path libs() {
    return home.dist().resolve("kafka-" + VERSION).resolve("libs");
  }

  Path dataDir() {
    return home.dir().resolve("kafka");
  }

  Path log() {
    return home.logs().resolve("kafka.log");
  }

  String bootstrapServers() {
    return Net.LOOPBACK + ":" + port;
  }

  @Override
  public synchronized void start() throws Exception {
    if (running()) {
      return;
    }
    if (!Files.isDirectory(libs())) {
      throw new IOException(
          "Kafka broker jars are missing at "
              + libs()
              + ": build once with ./mvnw -pl libs/devstack-dist generate-resources");
    }
    port = Net.reuseOrFree(port);
    controllerPort = Net.freePort();
    Files.createDirectories(dataDir());
    Path config = writeConfig();
    Path logsDir = dataDir().resolve("logs");
    if (!Files.exists(logsDir.resolve("meta.properties"))) {
      Processes.run(
          List.of(
              java(),
              "-cp",
              libs() + "/*",
              "kafka.tools.StorageTool",
              "format",
              "--cluster-id",
              clusterId(),
              "--config",
              config.toString(),
              "--ignore-formatted"),
          Map.of(),
          Duration.ofMinutes(2));
    }
    Files.writeString(log(), "", StandardCharsets.UTF_8);
    process.spawn(
        List.of(
            java(),
            "-Xms128m",
            "-Xmx512m",
            "-XX:+UseG1GC",
            "-Djava.awt.headless=true",
            "-Dlog4j2.configurationFile=" + writeLog4j(),
            "-Dkafka.logs.dir=" + dataDir().resolve("server-logs"),
            "-cp",
            libs() + "/*",
            "kafka.Kafka",
            config.toString()),
        Map.of(),
        dataDir());
    process.awaitReady(
        START_TIMEOUT, () -> Net.accepts(port) && logContains("Kafka Server started"));
  }

  private boolean logContains(String text) {
    try {
      return Files.readString(log(), StandardCharsets.UTF_8).contains(text);
    } catch (IOException e) {
      return false;
    }
  }

  @Override
  public synchronized void stop() {
    process.stop();
  }

  @Override
  public boolean running() {
    return process.alive() && Net.accepts(port);
  }

  long pid() {
    return process.pid();
  }

  @Override
  public Map<String, String> describe() {
    Map<String, String> info = new LinkedHashMap<>();
    info.put("port", String.valueOf(port));
    info.put("bootstrap-servers", bootstrapServers());
    info.put("pid", String.valueOf(pid()));
    info.put("log", log().toString());
    return info;
  }

  private String java() {
    return jdk.resolve("bin").resolve("java").toString();
  }

  private String clusterId() throws IOException {
    Path file = dataDir().resolve("cluster.id");
    if (Files.exists(file)) {
      String id = Files.readString(file).trim();
      if (!id.startsWith("-")) {
        return id;
      }
    }
    String id = newClusterId();
    Files.writeString(file, id);
    return id;
  }

  /**
   * A random cluster id: 16 bytes, URL-safe Base64. Never one that starts with '-', which the
   * storage tool would read as an option (1 in 64 ids; Kafka's own ids avoid it the same way).
   */
  static String newClusterId() {
    while (true) {
      UUID uuid = UUID.randomUUID();
      ByteBuffer bytes = ByteBuffer.allocate(16);
      bytes.putLong(uuid.getMostSignificantBits()).putLong(uuid.getLeastSignificantBits());
      String id = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes.array());
      if (!id.startsWith("-")) {
        return id;
      }
    }
  }

  private Path writeConfig() throws IOException {
    String config =
        String.join(
                "\n",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.voters=1@" + Net.LOOPBACK + ":" + controllerPort,
                "listeners=PLAINTEXT://"
                    + Net.LOOPBACK
                    + ":"
                    + port
                    + ",CONTROLLER://"
                    + Net.LOOPBACK
                    + ":"
                    + controllerPort,
                "advertised.listeners=PLAINTEXT://" + Net.LOOPBACK + ":" + port,
                "controller.listener.names=CONTROLLER",
                "inter.broker.listener.name=PLAINTEXT",
                "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
                "log.dirs=" + dataDir().resolve("logs"),
                "num.partitions=3",
                "auto.create.topics.enable=true",
                "offsets.topic.replication.factor=1",
                "offsets.topic.num.partitions=10",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "transaction.state.log.num.partitions=4",
                "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1",
                "min.insync.replicas=1",
                "group.initial.rebalance.delay.ms=0",
                "log.segment.bytes=67108864",
                "log.retention.hours=168",
                "")
            .replace("\n\n", "\n");
    Path file = dataDir().resolve("server.properties");
    Files.writeString(file, config, StandardCharsets.UTF_8);
    return file;
  }

  private Path writeLog4j() throws IOException {
    Path file = dataDir().resolve("log4j2.properties");
    Files.writeString(
        file,
        String.join(
            "\n",
            "status = warn",
            "appender.console.type = Console",
            "appender.console.name = STDOUT",
            "appender.console.layout.type = PatternLayout",
            "appender.console.layout.pattern = [%d] %p %m (%c)%n",
            "rootLogger.level = INFO",
            "rootLogger.appenderRef.stdout.ref = STDOUT",
            "logger.kafka.name = kafka",
            "logger.kafka.level = INFO",
            "logger.apache.name = org.apache.kafka",
            "logger.apache.level = WARN",
            ""),
        StandardCharsets.UTF_8);
    return file;
  }
}
