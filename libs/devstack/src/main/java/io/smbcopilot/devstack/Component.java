package io.smbcopilot.devstack;

import java.util.Map;

/** One real server that the devstack runs as a local process on loopback. */
interface Component {

  /** Stable name: postgres, kafka, keycloak, smtp. */
  String name();

  /** Starts the server (no-op when it runs) and returns once it accepts work. */
  void start() throws Exception;

  /** Stops the server and waits for its process to end. No-op when it is not running. */
  void stop() throws Exception;

  boolean running();

  /** What a client needs to reach it (ports, URLs, log file), written to the stack's state file. */
  Map<String, String> describe();
}
