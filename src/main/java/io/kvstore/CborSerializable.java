package io.kvstore;

/**
 * Marker for every message, event and snapshot that crosses a node boundary or reaches disk.
 * Bound to Jackson CBOR in {@code reference.conf}, so no type is ever serialized with Java
 * serialization.
 */
public interface CborSerializable {}
