package io.kvstore.robustness.history;

/**
 * One client operation as the client saw it: what it asked, what came back, and when it was
 * invoked and completed (nanoseconds since the run started; {@link #NEVER} when the outcome is
 * unknown, because such a write may take effect at any later time).
 *
 * @param written the value a WRITE or CAS stores (values are unique per run)
 * @param expected the value a CAS expects to replace
 * @param read the value a READ returned, null for an absent key
 */
public record Operation(
    int client,
    String key,
    Kind kind,
    String level,
    String written,
    String expected,
    String read,
    Outcome outcome,
    long invokeNanos,
    long completeNanos,
    String detail) {

  public static final long NEVER = Long.MAX_VALUE;

  public enum Kind {
    READ,
    WRITE,
    CAS
  }

  public enum Outcome {
    /** Done: a read returned, a write or CAS took effect. */
    OK,
    /** A CAS whose expected value was not the current one: it completed without effect. */
    REJECTED,
    /** Refused before anything was written (or a read that failed): no effect. */
    FAILED,
    /** A write whose fate the client cannot know (timeout, lost connection, partial replication). */
    UNKNOWN
  }

  public Operation {
    if (outcome == Outcome.UNKNOWN) {
      completeNanos = NEVER;
    }
  }

  public static Operation read(int client, String key, String level, String value, Outcome outcome, long invoke, long complete) {
    return new Operation(client, key, Kind.READ, level, null, null, value, outcome, invoke, complete, "");
  }

  public static Operation write(int client, String key, String value, Outcome outcome, long invoke, long complete) {
    return new Operation(client, key, Kind.WRITE, "QUORUM", value, null, null, outcome, invoke, complete, "");
  }

  public static Operation cas(int client, String key, String expected, String value, Outcome outcome, long invoke, long complete) {
    return new Operation(client, key, Kind.CAS, "QUORUM", value, expected, null, outcome, invoke, complete, "");
  }

  public Operation withDetail(String why) {
    return new Operation(client, key, kind, level, written, expected, read, outcome, invokeNanos, completeNanos, why);
  }

  /** True for a write or CAS that may have changed the register. */
  public boolean mayHaveWritten() {
    return kind != Kind.READ && (outcome == Outcome.OK || outcome == Outcome.UNKNOWN);
  }

  /** True for a write or CAS the client was told took effect. */
  public boolean acknowledgedWrite() {
    return kind != Kind.READ && outcome == Outcome.OK;
  }

  public boolean happenedBefore(Operation other) {
    return completeNanos < other.invokeNanos;
  }

  @Override
  public String toString() {
    String what =
        switch (kind) {
          case READ -> "read(" + level + ") -> " + read;
          case WRITE -> "write(" + written + ")";
          case CAS -> "cas(" + expected + " -> " + written + ")";
        };
    String end = completeNanos == NEVER ? "?" : String.format("%.3f", completeNanos / 1e9);
    return String.format(
        "c%d %s %s %s [%.3f s, %s s]%s", client, key, what, outcome, invokeNanos / 1e9, end, detail.isEmpty() ? "" : " " + detail);
  }
}
