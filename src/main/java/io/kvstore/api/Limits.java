package io.kvstore.api;

/** The largest key (in bytes of UTF-8) and value a node accepts: {@code kvstore.limits}. */
public record Limits(int maxKeyBytes, int maxValueBytes) {}
