package io.smbcopilot.ingestion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smbcopilot.devstack.DevStackResource;
import io.smbcopilot.ingestion.pipeline.Embedder;
import io.smbcopilot.testing.InternalTokenResource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * The pipeline's batches share the model's threads, queued one behind the other: whatever runs at
 * the same time, each text gets its own vector, in the order of its batch. (A Quarkus test only so
 * that the native libraries are loaded by the same class loader as in the other tests.)
 */
@QuarkusTest
@WithTestResource(InternalTokenResource.class)
@WithTestResource(
    value = DevStackResource.class,
    initArgs = {
      @ResourceArg(name = "service", value = "ingestion-service"),
      @ResourceArg(name = "components", value = "postgres,kafka")
    })
class EmbedderTest {

  @Test
  void concurrentBatchesGetEachTextsOwnVectorInOrder() throws Exception {
    Embedder embedder = new Embedder(new SimpleMeterRegistry());
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      // different subjects and lengths, so texts finish out of order on the model's threads
      texts.add(
          "Note "
              + i
              + ": "
              + (i % 3 == 0 ? "the bakery orders flour on Mondays. " : "")
              + "Invoice "
              + i
              + " goes to supplier "
              + (char) ('A' + i)
              + ". ".repeat(1 + i % 4)
              + (i % 2 == 0 ? "The van needs winter tyres before December." : "Staff meet at 9."));
    }
    List<float[]> expected = new ArrayList<>();
    for (String text : texts) {
      expected.add(embedder.embed(text));
    }
    List<String> reversed = new ArrayList<>(texts);
    Collections.reverse(reversed);

    ExecutorService workers = Executors.newFixedThreadPool(3);
    try {
      List<Future<List<float[]>>> forward = new ArrayList<>();
      List<Future<List<float[]>>> backward = new ArrayList<>();
      List<Future<List<float[]>>> single = new ArrayList<>();
      for (int round = 0; round < 3; round++) {
        forward.add(workers.submit(() -> embedder.embed(texts)));
        backward.add(workers.submit(() -> embedder.embed(reversed)));
        single.add(workers.submit(() -> embedder.embed(texts.subList(7, 8))));
      }
      for (int round = 0; round < 3; round++) {
        List<float[]> f = forward.get(round).get();
        List<float[]> b = backward.get(round).get();
        assertThat(f).hasSize(texts.size());
        assertThat(b).hasSize(texts.size());
        for (int i = 0; i < texts.size(); i++) {
          assertThat(f.get(i))
              .as("text %d of the forward batch", i)
              .containsExactly(expected.get(i), offset(1e-5f));
          assertThat(b.get(texts.size() - 1 - i))
              .as("text %d of the reversed batch", i)
              .containsExactly(expected.get(i), offset(1e-5f));
        }
        assertThat(single.get(round).get().get(0)).containsExactly(expected.get(7), offset(1e-5f));
      }
    } finally {
      workers.shutdownNow();
    }
    assertThat(embedder.embed(List.of())).isEmpty();
    // the texts' vectors differ (unit vectors, so this is their cosine): a mixed-up order could
    // not pass the checks above
    for (int i = 1; i < texts.size(); i++) {
      assertThat(dot(expected.get(i - 1), expected.get(i))).isLessThan(0.999);
    }
  }

  static double dot(float[] a, float[] b) {
    double sum = 0;
    for (int i = 0; i < a.length; i++) {
      sum += a[i] * b[i];
    }
    return sum;
  }
}
