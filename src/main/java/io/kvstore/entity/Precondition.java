package io.kvstore.entity;

import io.kvstore.CborSerializable;
import io.kvstore.crdt.Register;
import java.util.List;
import java.util.Optional;

/**
 * A conditional write's requirement on the key's current value.
 *
 * @param ifMatch versions of which the live value must have one ({@code *}: any live value), or null
 * @param ifAbsent the key must have no live value
 */
public record Precondition(List<String> ifMatch, boolean ifAbsent) implements CborSerializable {
  public static final Precondition NONE = new Precondition(null, false);
  private static final String ANY = "*";

  public static Precondition matching(String version) {
    return matchingAny(List.of(version));
  }

  public static Precondition matchingAny(List<String> versions) {
    return new Precondition(List.copyOf(versions), false);
  }

  public static Precondition absent() {
    return new Precondition(null, true);
  }

  public boolean allows(Optional<Register> live) {
    if (ifAbsent && live.isPresent()) {
      return false;
    }
    if (ifMatch == null) {
      return true;
    }
    return live.map(r -> ifMatch.contains(ANY) || ifMatch.contains(r.versionToken())).orElse(false);
  }
}
