package io.kvstore.resp;

/** A command refused with a Redis error reply, e.g. {@code ERR syntax error}. */
final class RespException extends RuntimeException {
  RespException(String reply) {
    super(reply, null, false, false);
  }

  static RespException notAnInteger() {
    return new RespException("ERR value is not an integer or out of range");
  }

  static RespException syntax() {
    return new RespException("ERR syntax error");
  }

  RespReply reply() {
    return RespReply.error(getMessage());
  }
}
