package io.kvstore.robustness.checker;

import io.kvstore.robustness.history.Operation;
import io.kvstore.robustness.history.Operation.Kind;
import io.kvstore.robustness.history.Operation.Outcome;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Wing–Gong–Lowe linearizability search (as in Lowe's "Testing for linearizability" and
 * porcupine) for one key's history on a register model with read, write and compare-and-set.
 *
 * <p>Only operations the register promises linearizability for take part: LINEARIZABLE reads and
 * every write and CAS (all writes go through the key's single writer). Operations with no effect
 * (FAILED) are left out; an UNKNOWN write may take effect at any time after its invocation, or
 * never (its return is at the end of time, so it may be linearized after everything else).
 */
public final class Linearizability {
  /** A search that needs more steps than this is reported as inconclusive instead of running on. */
  private static final long STEP_BUDGET = 50_000_000;

  public record Result(String key, Verdict verdict, int operations, String explanation) {}

  public enum Verdict {
    LINEARIZABLE,
    NOT_LINEARIZABLE,
    INCONCLUSIVE
  }

  private Linearizability() {}

  public static List<Result> check(Map<String, List<Operation>> byKey) {
    List<Result> results = new ArrayList<>();
    byKey.forEach((key, operations) -> results.add(checkKey(key, operations)));
    return results;
  }

  static boolean takesPart(Operation operation) {
    return switch (operation.kind()) {
      case READ -> operation.outcome() == Outcome.OK && "LINEARIZABLE".equals(operation.level());
      case WRITE, CAS -> operation.outcome() != Outcome.FAILED;
    };
  }

  /** The register model: the next state, or null when the operation cannot happen in this state. */
  static Step step(String state, Operation operation) {
    return switch (operation.kind()) {
      case READ -> Objects.equals(state, operation.read()) ? new Step(state) : null;
      case WRITE -> new Step(operation.written());
      case CAS -> {
        boolean matches = Objects.equals(state, operation.expected());
        if (operation.outcome() == Outcome.UNKNOWN) {
          yield new Step(matches ? operation.written() : state);
        }
        if (operation.outcome() == Outcome.OK) {
          yield matches ? new Step(operation.written()) : null;
        }
        yield matches ? null : new Step(state);
      }
    };
  }

  record Step(String state) {}

  public static Result checkKey(String key, List<Operation> all) {
    List<Operation> operations = all.stream().filter(Linearizability::takesPart).toList();
    Entry head = entries(operations);
    BitSet linearized = new BitSet(operations.size());
    Set<Visited> cache = new HashSet<>();
    Deque<Frame> calls = new ArrayDeque<>();
    String state = null;
    Entry entry = head.next;
    int deepest = 0;
    Operation stuckAt = null;
    long steps = 0;
    while (head.next != null) {
      if (++steps > STEP_BUDGET) {
        return new Result(key, Verdict.INCONCLUSIVE, operations.size(), "search budget of " + STEP_BUDGET + " steps spent");
      }
      if (entry.isCall()) {
        Step next = step(state, entry.operation);
        if (next != null) {
          BitSet candidate = (BitSet) linearized.clone();
          candidate.set(entry.id);
          if (cache.add(new Visited(candidate, next.state()))) {
            calls.push(new Frame(entry, state));
            state = next.state();
            linearized.set(entry.id);
            entry.lift();
            entry = head.next;
            continue;
          }
        }
        entry = entry.next;
      } else {
        if (calls.size() >= deepest) {
          deepest = calls.size();
          stuckAt = entry.operation;
        }
        if (calls.isEmpty()) {
          return new Result(key, Verdict.NOT_LINEARIZABLE, operations.size(), explain(operations, deepest, stuckAt));
        }
        Frame frame = calls.pop();
        state = frame.state;
        linearized.clear(frame.entry.id);
        frame.entry.unlift();
        entry = frame.entry.next;
      }
    }
    return new Result(key, Verdict.LINEARIZABLE, operations.size(), "");
  }

  private static String explain(List<Operation> operations, int deepest, Operation stuckAt) {
    StringBuilder text =
        new StringBuilder("at most " + deepest + " of " + operations.size() + " operations linearize; none past " + stuckAt);
    text.append("; operations overlapping it:");
    operations.stream()
        .filter(o -> o.invokeNanos() <= stuckAt.completeNanos() && o.completeNanos() >= stuckAt.invokeNanos() && o != stuckAt)
        .limit(20)
        .forEach(o -> text.append("\n    ").append(o));
    return text.toString();
  }

  private record Visited(BitSet linearized, String state) {}

  private record Frame(Entry entry, String state) {}

  /** The call and return events in time order as a doubly linked list behind a sentinel head. */
  private static Entry entries(List<Operation> operations) {
    List<Entry> events = new ArrayList<>();
    for (int id = 0; id < operations.size(); id++) {
      Operation operation = operations.get(id);
      Entry call = new Entry(id, operation, operation.invokeNanos(), null);
      Entry ret = new Entry(id, operation, operation.completeNanos(), call);
      call.match = ret;
      events.add(call);
      events.add(ret);
    }
    // Calls before returns at equal times: operations that touch in time count as concurrent.
    events.sort(Comparator.comparingLong((Entry e) -> e.time).thenComparing(e -> e.isCall() ? 0 : 1));
    Entry head = new Entry(-1, null, Long.MIN_VALUE, null);
    Entry previous = head;
    for (Entry event : events) {
      previous.next = event;
      event.previous = previous;
      previous = event;
    }
    return head;
  }

  private static final class Entry {
    final int id;
    final Operation operation;
    final long time;
    /** For a return, its call; a call's match is its return. */
    Entry match;
    final boolean call;
    Entry previous;
    Entry next;

    Entry(int id, Operation operation, long time, Entry callOfReturn) {
      this.id = id;
      this.operation = operation;
      this.time = time;
      this.match = callOfReturn;
      this.call = callOfReturn == null;
    }

    boolean isCall() {
      return call;
    }

    /** Takes a call and its return out of the list. */
    void lift() {
      previous.next = next;
      if (next != null) {
        next.previous = previous;
      }
      Entry ret = match;
      ret.previous.next = ret.next;
      if (ret.next != null) {
        ret.next.previous = ret.previous;
      }
    }

    /** Puts them back, in the reverse order of lift. */
    void unlift() {
      Entry ret = match;
      ret.previous.next = ret;
      if (ret.next != null) {
        ret.next.previous = ret;
      }
      previous.next = this;
      if (next != null) {
        next.previous = this;
      }
    }
  }
}
