package io.kvstore.robustness.checker;

import static io.kvstore.robustness.history.Operation.Outcome.FAILED;
import static io.kvstore.robustness.history.Operation.Outcome.OK;
import static io.kvstore.robustness.history.Operation.Outcome.REJECTED;
import static io.kvstore.robustness.history.Operation.Outcome.UNKNOWN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvstore.robustness.checker.Linearizability.Verdict;
import io.kvstore.robustness.history.History;
import io.kvstore.robustness.history.Operation;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The checkers flag known-bad histories and pass known-good ones. */
class CheckerTest {
  private static final String K = "k";

  private static Operation write(int client, String value, long from, long to) {
    return Operation.write(client, K, value, OK, from, to);
  }

  private static Operation read(int client, String value, long from, long to) {
    return Operation.read(client, K, "LINEARIZABLE", value, OK, from, to);
  }

  private static Verdict verdict(Operation... operations) {
    return Linearizability.checkKey(K, List.of(operations)).verdict();
  }

  @Test
  void sequentialReadsWritesAndCasAreLinearizable() {
    assertEquals(
        Verdict.LINEARIZABLE,
        verdict(
            read(1, null, 0, 1),
            write(1, "a", 2, 3),
            read(2, "a", 4, 5),
            Operation.cas(2, K, "a", "b", OK, 6, 7),
            Operation.cas(1, K, "a", "c", REJECTED, 8, 9),
            read(1, "b", 10, 11)));
  }

  @Test
  void concurrentWritesMayBeOrderedEitherWayButReadsMustAgreeOnTheOrder() {
    Operation a = write(1, "a", 0, 10);
    Operation b = write(2, "b", 1, 11);
    assertEquals(Verdict.LINEARIZABLE, verdict(a, b, read(3, "a", 12, 13), read(3, "a", 14, 15)));
    assertEquals(Verdict.LINEARIZABLE, verdict(a, b, read(3, "b", 12, 13)));
    assertEquals(Verdict.NOT_LINEARIZABLE, verdict(a, b, read(3, "b", 12, 13), read(3, "a", 14, 15)));
  }

  @Test
  void aStaleReadIsFlagged() {
    assertEquals(
        Verdict.NOT_LINEARIZABLE,
        verdict(write(1, "a", 0, 1), write(1, "b", 2, 3), read(2, "a", 4, 5)));
  }

  @Test
  void aReadOfAValueBeforeItsWriteBeganIsFlagged() {
    assertEquals(Verdict.NOT_LINEARIZABLE, verdict(read(2, "a", 0, 1), write(1, "a", 2, 3)));
  }

  @Test
  void twoCasFromTheSameValueCannotBothSucceed() {
    assertEquals(
        Verdict.NOT_LINEARIZABLE,
        verdict(
            write(1, "a", 0, 1),
            Operation.cas(1, K, "a", "b", OK, 2, 10),
            Operation.cas(2, K, "a", "c", OK, 3, 11)));
  }

  @Test
  void aCasRejectedWhileItsExpectedValueWasCurrentIsFlagged() {
    assertEquals(
        Verdict.NOT_LINEARIZABLE,
        verdict(write(1, "a", 0, 1), Operation.cas(2, K, "a", "b", REJECTED, 2, 3)));
  }

  @Test
  void aWriteOfUnknownOutcomeMayTakeEffectLateOrNever() {
    Operation unknown = Operation.write(2, K, "b", UNKNOWN, 2, 3);
    assertEquals(Verdict.LINEARIZABLE, verdict(write(1, "a", 0, 1), unknown, read(1, "a", 10, 11), read(1, "b", 20, 21)));
    assertEquals(Verdict.LINEARIZABLE, verdict(write(1, "a", 0, 1), unknown, read(1, "a", 10, 11)));
    // Once seen, it cannot be undone.
    assertEquals(
        Verdict.NOT_LINEARIZABLE,
        verdict(write(1, "a", 0, 1), unknown, read(1, "b", 10, 11), read(1, "a", 20, 21)));
    // A failed write never takes effect.
    assertEquals(
        Verdict.NOT_LINEARIZABLE,
        verdict(write(1, "a", 0, 1), Operation.write(2, K, "b", FAILED, 2, 3), read(1, "b", 10, 11)));
  }

  @Test
  void readsBelowLinearizableAreNotCheckedForLinearizability() {
    Operation stale = Operation.read(2, K, "QUORUM", "a", OK, 4, 5);
    assertEquals(Verdict.LINEARIZABLE, verdict(write(1, "a", 0, 1), write(1, "b", 2, 3), stale));
  }

  @Test
  void historiesOfARealRegisterAlwaysPass() {
    Random random = new Random(42);
    for (int round = 0; round < 200; round++) {
      List<Operation> history = registerHistory(random, 4 + random.nextInt(4), 60);
      Linearizability.Result result = Linearizability.checkKey(K, history);
      assertEquals(Verdict.LINEARIZABLE, result.verdict(), "round " + round + ": " + result.explanation());
    }
  }

  @Test
  void aReadCorruptedInARealRegistersHistoryIsCaught() {
    Random random = new Random(7);
    int caught = 0;
    for (int round = 0; round < 100; round++) {
      List<Operation> history = new ArrayList<>(registerHistory(random, 2, 40));
      // Replace the last read with one that returns the first value ever written: stale when
      // a later write finished before the read began.
      Operation first = history.stream().filter(o -> o.kind() == Operation.Kind.WRITE).findFirst().orElseThrow();
      Operation last = history.get(history.size() - 1);
      if (last.kind() != Operation.Kind.READ || !first.happenedBefore(last)) {
        continue;
      }
      boolean overwritten =
          history.stream().anyMatch(o -> o.acknowledgedWrite() && first.happenedBefore(o) && o.happenedBefore(last) && !o.written().equals(first.written()));
      if (!overwritten) {
        continue;
      }
      history.set(history.size() - 1, read(last.client(), first.written(), last.invokeNanos(), last.completeNanos()));
      assertEquals(Verdict.NOT_LINEARIZABLE, Linearizability.checkKey(K, history).verdict(), "round " + round);
      caught++;
    }
    assertTrue(caught > 20, "too few rounds had a stale read to plant: " + caught);
  }

  /**
   * Clients with one operation in flight each on a register, each operation taking effect at a
   * random point inside its interval: linearizable by construction.
   */
  private static List<Operation> registerHistory(Random random, int clients, int operationsPerClient) {
    record Planned(int client, long invoke, long point, long complete, int kind) {}
    List<Planned> planned = new ArrayList<>();
    for (int client = 0; client < clients; client++) {
      long time = random.nextInt(10);
      for (int i = 0; i < operationsPerClient; i++) {
        long invoke = time + 1 + random.nextInt(5);
        long complete = invoke + 1 + random.nextInt(20);
        planned.add(new Planned(client, invoke, invoke + random.nextLong(complete - invoke + 1), complete, random.nextInt(3)));
        time = complete;
      }
    }
    Collections.shuffle(planned, random);
    planned.sort((x, y) -> Long.compare(x.point, y.point));
    String state = null;
    int sequence = 0;
    List<Operation> history = new ArrayList<>();
    for (Planned p : planned) {
      switch (p.kind) {
        case 0 -> history.add(read(p.client, state, p.invoke, p.complete));
        case 1 -> {
          state = "v" + sequence++;
          history.add(write(p.client, state, p.invoke, p.complete));
        }
        default -> {
          String expected = random.nextBoolean() ? state : "v" + random.nextInt(sequence + 1);
          String value = "v" + sequence++;
          boolean matches = java.util.Objects.equals(expected, state);
          history.add(Operation.cas(p.client, K, expected, value, matches ? OK : REJECTED, p.invoke, p.complete));
          if (matches) {
            state = value;
          }
        }
      }
    }
    history.sort((x, y) -> Long.compare(x.invokeNanos(), y.invokeNanos()));
    return history;
  }

  @Test
  void lostWritesAreFound() {
    Operation a = write(1, "a", 0, 1);
    Operation b = write(2, "b", 2, 3);
    Operation unknown = Operation.write(3, K, "c", UNKNOWN, 4, 5);
    Map<String, List<Operation>> byKey = History.of(List.of(a, b, unknown)).byKey();
    assertEquals(List.of(), LostWrites.check(byKey, Map.of(K, "b")));
    assertEquals(List.of(), LostWrites.check(byKey, Map.of(K, "c")), "a later write of unknown outcome may win");
    List<LostWrites.Finding> lost = LostWrites.check(byKey, Map.of(K, "a"));
    assertEquals(1, lost.size());
    assertEquals(List.of(b), lost.get(0).lost());
    Map<String, String> absent = new HashMap<>();
    absent.put(K, null);
    assertEquals(1, LostWrites.check(byKey, absent).size(), "an acknowledged key that vanished");
    assertEquals(1, LostWrites.check(byKey, Map.of(K, "zzz")).size(), "a value nobody wrote");
  }

  @Test
  void staleReadsAreCountedPerLevel() {
    Map<String, List<Operation>> byKey =
        History.of(
                List.of(
                    write(1, "a", 0, 1),
                    write(1, "b", 2, 3),
                    Operation.read(2, K, "ONE", "a", OK, 4, 5),
                    Operation.read(2, K, "ONE", "b", OK, 6, 7),
                    Operation.read(2, K, "QUORUM", null, OK, 8, 9),
                    Operation.read(2, K, "QUORUM", "x", OK, 10, 11)))
            .byKey();
    Map<String, StaleReads.Rate> rates = StaleReads.rates(byKey);
    assertEquals(new StaleReads.Rate(2, 1, 0), rates.get("ONE"));
    assertEquals(new StaleReads.Rate(2, 1, 1), rates.get("QUORUM"));
  }
}
