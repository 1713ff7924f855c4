package io.smbcopilot.devstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class KafkaServerTest {
  /**
   * One random id in 64 starts with '-', and the storage tool then fails ("--cluster-id -0rf...":
   * seen once on this machine). 10,000 ids would hold about 156 such.
   */
  @Test
  void clusterIdsNeverStartWithADash() {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 10_000; i++) {
      String id = KafkaServer.newClusterId();
      assertFalse(id.startsWith("-"), id);
      assertEquals(22, id.length(), id);
      seen.add(id);
    }
    assertEquals(10_000, seen.size());
  }
}
