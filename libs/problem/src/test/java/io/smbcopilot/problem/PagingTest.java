package io.smbcopilot.problem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.OffsetDateTime;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class PagingTest {
  @Test
  void aTimeCursorRoundTripsAndABadOneNamesTheParameter() {
    Paging.TimeCursor cursor =
        new Paging.TimeCursor(
            OffsetDateTime.parse("2026-11-21T10:15:30.123456Z"), UUID.randomUUID());
    assertThat(Paging.decodeTime(Paging.encode(cursor))).isEqualTo(cursor);
    assertThat(Paging.decodeTime(null)).isNull();
    assertThatThrownBy(() -> Paging.decodeTime(Paging.encode("garbage")))
        .isInstanceOfSatisfying(
            ProblemException.class, e -> assertThat(e.errors().get(0).field()).isEqualTo("cursor"));
  }

  @Test
  void limitsAreOneToTwoHundredWithFiftyByDefault() {
    assertThat(Paging.limit(null)).isEqualTo(50);
    assertThat(Paging.limit(200)).isEqualTo(200);
    assertThatThrownBy(() -> Paging.limit(0)).isInstanceOf(ProblemException.class);
    assertThatThrownBy(() -> Paging.limit(201)).isInstanceOf(ProblemException.class);
  }
}
