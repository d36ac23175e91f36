package io.kvstore.resp;

import akka.util.ByteString;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits one connection's bytes into commands: RESP2 arrays of bulk strings, as every client
 * library sends, or inline lines as typed into telnet. One per connection, fed in arrival order;
 * commands that span chunks are completed by later ones. Input that is not RESP, or that exceeds
 * a limit the client cannot recover from without the rest of the stream, ends in a {@link
 * ProtocolError}, after which the connection is answered and closed (as Redis does).
 */
public final class RespParser {

  sealed interface Parsed {}

  /** A command and its arguments, the name first. */
  record Command(List<byte[]> arguments) implements Parsed {
    String name() {
      return new String(arguments.get(0), StandardCharsets.UTF_8);
    }
  }

  record ProtocolError(String message) implements Parsed {}

  /**
   * @param maxArguments elements in one request, its name included
   * @param maxBulkBytes length of one argument
   * @param maxInlineBytes length of an inline command, or of a header line, before its line end
   */
  public record Limits(int maxArguments, int maxBulkBytes, int maxInlineBytes) {}

  private static final byte LF = '\n';
  private static final byte CR = '\r';

  private final Limits limits;
  private ByteString buffer = ByteString.emptyByteString();
  private int argumentsLeft;
  private int bulkLength = -1;
  private List<byte[]> arguments;
  private boolean broken;

  RespParser(Limits limits) {
    this.limits = limits;
  }

  /** The commands completed by these bytes, in order; ends with a protocol error if there is one. */
  List<Parsed> feed(ByteString bytes) {
    if (broken) {
      return List.of();
    }
    buffer = buffer.concat(bytes);
    List<Parsed> parsed = new ArrayList<>();
    Parsed next;
    while ((next = argumentsLeft > 0 ? restOfMultibulk() : nextRequest()) != null) {
      parsed.add(next);
      if (next instanceof ProtocolError) {
        broken = true;
        buffer = ByteString.emptyByteString();
        break;
      }
    }
    return parsed;
  }

  private Parsed nextRequest() {
    while (!buffer.isEmpty()) {
      if (buffer.head() != '*') {
        int end = lineEnd();
        if (end < 0) {
          return buffer.length() > limits.maxInlineBytes() ? new ProtocolError("too big inline request") : null;
        }
        ByteString line = buffer.slice(0, end);
        buffer = buffer.drop(end + 1);
        Parsed inline = inline(line.utf8String().strip());
        if (inline != null) {
          return inline;
        }
        continue; // a blank line
      }
      int end = lineEnd();
      if (end < 0) {
        return buffer.length() > limits.maxInlineBytes()
            ? new ProtocolError("too big mbulk count string")
            : null;
      }
      long count = parseLength(1, end);
      buffer = buffer.drop(end + 1);
      if (count == Long.MIN_VALUE || count > limits.maxArguments()) {
        return new ProtocolError("invalid multibulk length");
      }
      if (count <= 0) {
        continue; // an empty request: Redis skips it too
      }
      argumentsLeft = (int) count;
      arguments = new ArrayList<>(Math.min(argumentsLeft, 16));
      return restOfMultibulk();
    }
    return null;
  }

  private Parsed restOfMultibulk() {
    while (argumentsLeft > 0) {
      if (bulkLength < 0) {
        if (buffer.isEmpty()) {
          return null;
        }
        if (buffer.head() != '$') {
          return new ProtocolError("expected '$', got '" + (char) buffer.head() + "'");
        }
        int end = lineEnd();
        if (end < 0) {
          return buffer.length() > limits.maxInlineBytes() ? new ProtocolError("too big bulk count string") : null;
        }
        long length = parseLength(1, end);
        if (length < 0 || length > limits.maxBulkBytes()) {
          return new ProtocolError("invalid bulk length");
        }
        buffer = buffer.drop(end + 1);
        bulkLength = (int) length;
      }
      if (buffer.length() < bulkLength + 2) {
        return null;
      }
      if (buffer.apply(bulkLength) != CR || buffer.apply(bulkLength + 1) != LF) {
        return new ProtocolError("expected CRLF after a bulk string of " + bulkLength + " bytes");
      }
      arguments.add(bytes(buffer.slice(0, bulkLength)));
      buffer = buffer.drop(bulkLength + 2);
      bulkLength = -1;
      argumentsLeft--;
    }
    Command command = new Command(List.copyOf(arguments));
    arguments = null;
    return command;
  }

  /** A command typed as one line of words; null for a blank line. */
  private Parsed inline(String line) {
    if (line.isEmpty()) {
      return null;
    }
    String[] words = line.split("[ \\t]+");
    if (words.length > limits.maxArguments()) {
      return new ProtocolError("invalid multibulk length");
    }
    List<byte[]> inlineArguments = new ArrayList<>(words.length);
    for (String word : words) {
      inlineArguments.add(word.getBytes(StandardCharsets.UTF_8));
    }
    return new Command(List.copyOf(inlineArguments));
  }

  /** Index of the next line feed, or -1. */
  private int lineEnd() {
    return buffer.indexOf(LF, 0);
  }

  /** The decimal number between {@code from} and the line end (CR excluded); MIN_VALUE if not one. */
  private long parseLength(int from, int lineFeed) {
    if (lineFeed == 0 || buffer.apply(lineFeed - 1) != CR || lineFeed - 1 <= from || lineFeed - 1 - from > 18) {
      return Long.MIN_VALUE;
    }
    String digits = buffer.slice(from, lineFeed - 1).utf8String();
    try {
      return Long.parseLong(digits);
    } catch (NumberFormatException e) {
      return Long.MIN_VALUE;
    }
  }

  private static byte[] bytes(ByteString slice) {
    ByteBuffer view = slice.asByteBuffer();
    byte[] copy = new byte[view.remaining()];
    view.get(copy);
    return copy;
  }
}
