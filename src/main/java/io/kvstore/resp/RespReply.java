package io.kvstore.resp;

import akka.util.ByteString;
import akka.util.ByteStringBuilder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** A RESP2 reply, as written to the client. */
public sealed interface RespReply {
  RespReply OK = new Simple("OK");
  RespReply NIL = new Bulk(null);
  RespReply NIL_ARRAY = new Array(null);
  RespReply ZERO = new Int(0);
  RespReply ONE = new Int(1);

  void writeTo(ByteStringBuilder out);

  default ByteString encode() {
    ByteStringBuilder out = new ByteStringBuilder();
    writeTo(out);
    return out.result();
  }

  static RespReply error(String message) {
    return new Error(message);
  }

  static RespReply bulk(byte[] value) {
    return new Bulk(value);
  }

  static RespReply bulk(String text) {
    return new Bulk(text.getBytes(StandardCharsets.UTF_8));
  }

  static RespReply integer(long value) {
    return new Int(value);
  }

  static RespReply array(List<RespReply> items) {
    return new Array(items);
  }

  /** {@code +text}; text must not contain CR or LF. */
  record Simple(String text) implements RespReply {
    @Override
    public void writeTo(ByteStringBuilder out) {
      line(out, '+', text);
    }
  }

  /** {@code -PREFIX message}: the first word is the error's kind, as in Redis (ERR, WRONGTYPE, …). */
  record Error(String message) implements RespReply {
    @Override
    public void writeTo(ByteStringBuilder out) {
      // A line break would end the reply early and desynchronise the client.
      line(out, '-', message.replace('\r', ' ').replace('\n', ' '));
    }
  }

  record Int(long value) implements RespReply {
    @Override
    public void writeTo(ByteStringBuilder out) {
      line(out, ':', Long.toString(value));
    }
  }

  /** A bulk string; null is the nil reply. */
  record Bulk(byte[] value) implements RespReply {
    @Override
    public void writeTo(ByteStringBuilder out) {
      if (value == null) {
        line(out, '$', "-1");
        return;
      }
      line(out, '$', Integer.toString(value.length));
      out.putBytes(value);
      crlf(out);
    }
  }

  /** An array of replies; null is the nil array. */
  record Array(List<RespReply> items) implements RespReply {
    @Override
    public void writeTo(ByteStringBuilder out) {
      if (items == null) {
        line(out, '*', "-1");
        return;
      }
      line(out, '*', Integer.toString(items.size()));
      for (RespReply item : items) {
        item.writeTo(out);
      }
    }
  }

  private static void line(ByteStringBuilder out, char type, String text) {
    out.putByte((byte) type);
    out.putBytes(text.getBytes(StandardCharsets.UTF_8));
    crlf(out);
  }

  private static void crlf(ByteStringBuilder out) {
    out.putByte((byte) '\r');
    out.putByte((byte) '\n');
  }
}
