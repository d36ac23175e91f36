package io.kvstore.robustness.checker;

import io.kvstore.robustness.history.Operation;
import java.util.List;
import java.util.Optional;

/** Finds the operation that wrote a value: every value is written at most once in a run. */
final class Writers {
  private Writers() {}

  static Optional<Operation> of(List<Operation> operations, String value) {
    return operations.stream().filter(o -> o.mayHaveWritten() && value.equals(o.written())).findFirst();
  }
}
