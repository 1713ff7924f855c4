package io.smbcopilot.devstack;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Debian's Prometheus ({@code apt-get install prometheus}) scraping this stack's five services
 * every 5 s with the chart's alert rules ({@code deploy/helm/smb-copilot/files/prometheus}), so a
 * developer sees an alert go pending and fire when they stop Kafka ({@code ./copilot up
 * --monitoring}). {@code job} is the service's name, as in the chart's ServiceMonitor.
 */
final class PrometheusServer implements Component {
  static final Path BINARY = Path.of("/usr/bin/prometheus");
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
  private final StackHome home;
  private final Function<String, String> serviceUrl;
  private int port;
  private final ChildProcess process;

  /**
   * @param serviceUrl a service's base URL (http://127.0.0.1:port), or null when it does not run
   */
  PrometheusServer(StackHome home, Function<String, String> serviceUrl, int preferredPort) {
    this.home = home;
    this.serviceUrl = serviceUrl;
    this.port = preferredPort;
    this.process = new ChildProcess(Names.PROMETHEUS, log(), Duration.ofSeconds(10));
  }

  @Override
  public String name() {
    return Names.PROMETHEUS;
  }

  Path log() {
    return home.logs().resolve("prometheus.log");
  }

  Path rules() {
    return home.project().resolve("deploy/helm/smb-copilot/files/prometheus/copilot-rules.yaml");
  }

  String url() {
    return "http://" + Net.LOOPBACK + ":" + port;
  }

  @Override
  public synchronized void start() throws Exception {
    if (running()) {
      return;
    }
    if (!Files.isExecutable(BINARY)) {
      throw new IOException(
          "Prometheus is missing at "
              + BINARY
              + ": install Debian's package (apt-get install prometheus)");
    }
    Path dir = home.dir().resolve("prometheus");
    Files.createDirectories(dir.resolve("data"));
    Path config = dir.resolve("prometheus.yml");
    Files.writeString(config, config());
    port = Net.reuseOrFree(port);
    process.spawn(
        List.of(
            BINARY.toString(),
            "--config.file=" + config,
            "--storage.tsdb.path=" + dir.resolve("data"),
            "--storage.tsdb.retention.time=2d",
            "--web.listen-address=" + Net.LOOPBACK + ":" + port,
            "--web.enable-lifecycle"),
        Map.of(),
        dir);
    process.awaitReady(START_TIMEOUT, () -> Net.httpOk(url() + "/-/ready"));
  }

  /** Scrape configs for the services that run now, and the chart's rule file. */
  String config() {
    StringBuilder out = new StringBuilder();
    out.append("# written by the devstack at every start of Prometheus\n")
        .append("global:\n  scrape_interval: 5s\n  evaluation_interval: 5s\n")
        .append("rule_files:\n  - ")
        .append(rules())
        .append("\nscrape_configs:\n");
    for (String service : Names.SERVICES) {
      String url = serviceUrl.apply(service);
      if (url == null) {
        continue;
      }
      URI uri = URI.create(url);
      out.append("  - job_name: ")
          .append(service)
          .append("\n    metrics_path: /q/metrics\n    static_configs:\n      - targets: ['")
          .append(uri.getHost())
          .append(':')
          .append(uri.getPort())
          .append("']\n");
    }
    return out.toString();
  }

  @Override
  public synchronized void stop() {
    process.stop();
  }

  @Override
  public boolean running() {
    return process.alive() && Net.accepts(port);
  }

  @Override
  public Map<String, String> describe() {
    Map<String, String> info = new LinkedHashMap<>();
    info.put("url", url());
    info.put("port", String.valueOf(port));
    info.put("pid", String.valueOf(process.pid()));
    info.put("log", log().toString());
    return info;
  }
}
