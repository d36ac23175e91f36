package io.kvstore.resp;

import java.util.List;

/**
 * SET's options: {@code NX | XX}, {@code EX s | PX ms | EXAT s | PXAT ms | KEEPTTL}, {@code GET}.
 * Relative times are turned into an absolute expiry when the command is read, as Redis does.
 */
record SetOptions(Condition condition, Expiry expiry, boolean returnOld) {

  enum Condition {
    ALWAYS,
    IF_ABSENT,
    IF_PRESENT;

    boolean allows(boolean present) {
      return this == ALWAYS || (this == IF_ABSENT) != present;
    }
  }

  sealed interface Expiry {
    record Never() implements Expiry {}

    record Keep() implements Expiry {}

    record At(long epochMillis) implements Expiry {}
  }

  static final SetOptions PLAIN = new SetOptions(Condition.ALWAYS, new Expiry.Never(), false);

  /** Whether the key's current value matters beyond the condition a compare-and-set expresses. */
  boolean needsCurrentValue() {
    return returnOld || expiry instanceof Expiry.Keep;
  }

  /** Parses the options after {@code SET key value}; throws {@link RespException} as Redis words it. */
  static SetOptions parse(List<byte[]> options, long nowMillis) {
    Condition condition = Condition.ALWAYS;
    Expiry expiry = new Expiry.Never();
    boolean returnOld = false;
    for (int i = 0; i < options.size(); i++) {
      String option = Arguments.word(options.get(i));
      boolean hasNext = i + 1 < options.size();
      switch (option) {
        case "NX", "XX" -> {
          if (condition != Condition.ALWAYS) {
            throw RespException.syntax();
          }
          condition = option.equals("NX") ? Condition.IF_ABSENT : Condition.IF_PRESENT;
        }
        case "GET" -> returnOld = true;
        case "KEEPTTL" -> {
          if (!(expiry instanceof Expiry.Never)) {
            throw RespException.syntax();
          }
          expiry = new Expiry.Keep();
        }
        case "EX", "PX", "EXAT", "PXAT" -> {
          if (!(expiry instanceof Expiry.Never) || !hasNext) {
            throw RespException.syntax();
          }
          long amount = Arguments.integer(options.get(++i));
          expiry = new Expiry.At(expiresAt(option, amount, nowMillis, "set"));
        }
        default -> throw RespException.syntax();
      }
    }
    return new SetOptions(condition, expiry, returnOld);
  }

  /** The absolute expiry of {@code EX s | PX ms | EXAT s | PXAT ms}, refused as {@code command}'s. */
  static long expiresAt(String unit, long amount, long nowMillis, String command) {
    long seconds = Long.MAX_VALUE / 1000;
    if (amount <= 0 || ((unit.equals("EX") || unit.equals("EXAT")) && amount > seconds)) {
      throw invalidExpireTime(command);
    }
    try {
      return switch (unit) {
        case "EX" -> Math.addExact(nowMillis, amount * 1000);
        case "PX" -> Math.addExact(nowMillis, amount);
        case "EXAT" -> amount * 1000;
        default -> amount;
      };
    } catch (ArithmeticException e) {
      throw invalidExpireTime(command);
    }
  }

  static RespException invalidExpireTime(String command) {
    return new RespException("ERR invalid expire time in '" + command + "' command");
  }
}
