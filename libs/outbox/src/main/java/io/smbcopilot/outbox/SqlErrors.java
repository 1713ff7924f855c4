package io.smbcopilot.outbox;

import io.vertx.pgclient.PgException;
import org.hibernate.exception.ConstraintViolationException;

/** Recognises database refusals in what the SQL client or Hibernate Reactive throws. */
public final class SqlErrors {
  private static final String UNIQUE_VIOLATION = "23505";

  private SqlErrors() {}

  /** Whether a unique constraint refused the write, at any depth of the causes. */
  public static boolean uniqueViolation(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof PgException pg && UNIQUE_VIOLATION.equals(pg.getSqlState())) {
        return true;
      }
      if (t instanceof ConstraintViolationException c
          && (c.getKind() == ConstraintViolationException.ConstraintKind.UNIQUE
              || UNIQUE_VIOLATION.equals(c.getSQLState()))) {
        return true;
      }
    }
    return false;
  }
}
