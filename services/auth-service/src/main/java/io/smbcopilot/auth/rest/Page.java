package io.smbcopilot.auth.rest;

import java.util.List;

/**
 * One page of a list: the items and, when there may be more, the opaque cursor of the next page
 * (see {@link io.smbcopilot.problem.Paging}).
 */
public record Page<T>(List<T> items, String nextCursor) {}
