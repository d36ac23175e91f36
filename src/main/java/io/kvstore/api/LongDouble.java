package io.kvstore.api;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;

/**
 * Rounding to the x87 80-bit long double that Redis's INCRBYFLOAT computes in on x86-64: a
 * 64-bit mantissa, ties to even. Exact decimal arithmetic around that rounding reproduces what
 * Redis stores, which plain decimal or double arithmetic would not in the last digits.
 */
final class LongDouble {
  private static final int MANTISSA_BITS = 64;
  private static final BigInteger LOW = BigInteger.ONE.shiftLeft(MANTISSA_BITS - 1);
  private static final BigInteger HIGH = BigInteger.ONE.shiftLeft(MANTISSA_BITS);

  private LongDouble() {}

  /** The long double nearest {@code value}, as an exact decimal. */
  static BigDecimal round(BigDecimal value) {
    if (value.signum() == 0) {
      return BigDecimal.ZERO;
    }
    // value = m * 2^e with 2^63 <= |m| < 2^64: start from an estimate of log2|value|, then correct.
    long estimate = (long) Math.floor((value.unscaledValue().abs().bitLength() - 1) - value.scale() * (Math.log(10) / Math.log(2)));
    int exponent = (int) estimate - (MANTISSA_BITS - 1);
    while (true) {
      BigInteger mantissa = scaleBy(value, -exponent).setScale(0, RoundingMode.HALF_EVEN).toBigIntegerExact();
      BigInteger magnitude = mantissa.abs();
      if (magnitude.compareTo(LOW) < 0) {
        exponent--;
      } else if (magnitude.compareTo(HIGH) > 0 || (magnitude.equals(HIGH) && exactMagnitudeAtLeast(value, exponent))) {
        exponent++;
      } else {
        return scaleBy(new BigDecimal(mantissa), exponent);
      }
    }
  }

  /** Whether |value| / 2^exponent is at least 2^64 before rounding (then the next exponent fits). */
  private static boolean exactMagnitudeAtLeast(BigDecimal value, int exponent) {
    return scaleBy(value, -exponent).abs().compareTo(new BigDecimal(HIGH)) >= 0;
  }

  /** {@code value * 2^power}, exactly: dividing by a power of two always terminates in decimal. */
  private static BigDecimal scaleBy(BigDecimal value, int power) {
    BigDecimal factor = new BigDecimal(BigInteger.ONE.shiftLeft(Math.abs(power)));
    return power >= 0 ? value.multiply(factor) : value.divide(factor);
  }
}
