package io.kvstore.http;

import java.util.List;
import java.util.Optional;

/** What the health endpoints report; the node supplies it. */
public interface Health {
  /** Why the node should not receive traffic now; empty when ready. */
  List<String> notReadyReasons();

  /** A failure the process cannot recover from by itself (it should be restarted); empty if none. */
  Optional<String> fatalFailure();
}
