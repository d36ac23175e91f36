package io.kvstore.admin;

/** A failure the CLI reports in one line on stderr, and the exit code it ends with. */
final class AdminFailure extends RuntimeException {
  /** Exit code when a node answered with an error, or the request could not be made. */
  static final int FAILED = 1;
  /** Exit code when no node answered at all (as for a usage error: nothing was done). */
  static final int NO_NODE = 2;

  private final int exitCode;

  AdminFailure(String message, int exitCode) {
    super(message);
    this.exitCode = exitCode;
  }

  int exitCode() {
    return exitCode;
  }
}
