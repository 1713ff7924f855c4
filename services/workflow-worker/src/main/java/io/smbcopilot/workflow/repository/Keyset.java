package io.smbcopilot.workflow.repository;

import io.quarkus.panache.common.Parameters;
import io.smbcopilot.problem.Paging;

/** Keyset pages, newest first by a time column and then by id: the HQL of one page. */
final class Keyset {
  private Keyset() {}

  /**
   * The query: {@code where}, then only rows after the cursor when there is one, newest first;
   * binds the cursor's values into {@code parameters}.
   */
  static String newestFirst(
      String where, String timeField, Paging.TimeCursor after, Parameters parameters) {
    StringBuilder query = new StringBuilder(where);
    if (after != null) {
      query
          .append(" and (")
          .append(timeField)
          .append(" < :at or (")
          .append(timeField)
          .append(" = :at and id < :id))");
      parameters.and("at", after.at()).and("id", after.id());
    }
    return query.append(" order by ").append(timeField).append(" desc, id desc").toString();
  }
}
