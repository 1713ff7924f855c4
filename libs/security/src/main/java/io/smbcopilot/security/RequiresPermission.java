package io.smbcopilot.security;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The permission a resource method (or every method of a resource class) needs. Checked by {@link
 * InternalAuthFilter} from the verified internal token; the gateway checks the same at the edge.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface RequiresPermission {
  Permission value();
}
