package io.smbcopilot.security;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A public route (sign-up, accepting an invitation): the gateway forwards it with an anonymous
 * internal token, which this method accepts. A call without a valid internal token is still 401.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface AllowAnonymous {}
