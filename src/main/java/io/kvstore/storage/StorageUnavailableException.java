package io.kvstore.storage;

/** The node's RocksDB cannot take writes (disk full, read-only, closed). */
public final class StorageUnavailableException extends RuntimeException {
  public StorageUnavailableException(String message) {
    super(message);
  }

  public StorageUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
