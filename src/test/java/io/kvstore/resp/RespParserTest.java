package io.kvstore.resp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.util.ByteString;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RespParserTest {
  private static final RespParser.Limits LIMITS = new RespParser.Limits(8, 32, 64);

  private static List<RespParser.Parsed> parse(String... chunks) {
    RespParser parser = new RespParser(LIMITS);
    List<RespParser.Parsed> parsed = new ArrayList<>();
    for (String chunk : chunks) {
      parsed.addAll(parser.feed(ByteString.fromString(chunk, StandardCharsets.ISO_8859_1)));
    }
    return parsed;
  }

  private static List<String> words(RespParser.Parsed parsed) {
    return assertInstanceOf(RespParser.Command.class, parsed).arguments().stream()
        .map(bytes -> new String(bytes, StandardCharsets.ISO_8859_1))
        .toList();
  }

  private static String error(List<RespParser.Parsed> parsed) {
    return assertInstanceOf(RespParser.ProtocolError.class, parsed.get(parsed.size() - 1)).message();
  }

  @Test
  void aPipelineInOneChunkYieldsEveryCommandInOrder() {
    List<RespParser.Parsed> parsed =
        parse("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$2\r\nv1\r\n*2\r\n$3\r\nGET\r\n$1\r\nk\r\n*1\r\n$4\r\nPING\r\n");
    assertEquals(3, parsed.size());
    assertEquals(List.of("SET", "k", "v1"), words(parsed.get(0)));
    assertEquals(List.of("GET", "k"), words(parsed.get(1)));
    assertEquals(List.of("PING"), words(parsed.get(2)));
  }

  @Test
  void aCommandSplitAtEveryPossibleByteIsParsedTheSame() {
    String command = "*3\r\n$3\r\nSET\r\n$4\r\nk\r\nx\r\n$5\r\n\0\1\2\r\n\r\n";
    for (int cut = 0; cut <= command.length(); cut++) {
      List<RespParser.Parsed> parsed = parse(command.substring(0, cut), command.substring(cut));
      assertEquals(1, parsed.size(), "cut at " + cut);
      assertEquals(List.of("SET", "k\r\nx", "\0\1\2\r\n"), words(parsed.get(0)), "cut at " + cut);
    }
  }

  @Test
  void aCommandArrivingOneByteAtATimeIsParsedOnceComplete() {
    String command = "*2\r\n$4\r\nECHO\r\n$5\r\nhello\r\n";
    RespParser parser = new RespParser(LIMITS);
    for (int i = 0; i < command.length() - 1; i++) {
      assertEquals(List.of(), parser.feed(ByteString.fromString(command.substring(i, i + 1))));
    }
    assertEquals(List.of("ECHO", "hello"), words(parser.feed(ByteString.fromString(command.substring(command.length() - 1))).get(0)));
  }

  @Test
  void inlineCommandsAreSplitOnWhitespaceAndBlankLinesAreSkipped() {
    List<RespParser.Parsed> parsed = parse("\r\nSET  key\tvalue\r\n\nping\n");
    assertEquals(2, parsed.size());
    assertEquals(List.of("SET", "key", "value"), words(parsed.get(0)));
    assertEquals(List.of("ping"), words(parsed.get(1)));
  }

  @Test
  void emptyMultibulkRequestsAreSkipped() {
    assertEquals(List.of("PING"), words(parse("*0\r\n*-1\r\n*1\r\n$4\r\nPING\r\n").get(0)));
  }

  @Test
  void malformedInputEndsInTheProtocolErrorRedisGives() {
    assertEquals("invalid multibulk length", error(parse("*x\r\n")));
    assertEquals("invalid multibulk length", error(parse("*9\r\n")), "more arguments than allowed");
    assertEquals("invalid bulk length", error(parse("*1\r\n$33\r\n")), "a bulk longer than allowed");
    assertEquals("invalid bulk length", error(parse("*1\r\n$-2\r\n")));
    assertEquals("expected '$', got ':'", error(parse("*1\r\n:1\r\n")));
    assertTrue(error(parse("*1\r\n$2\r\nabcd\r\n")).startsWith("expected CRLF"));
    assertEquals("too big inline request", error(parse("x".repeat(65))));
    assertEquals("too big mbulk count string", error(parse("*" + "1".repeat(64))));
  }

  @Test
  void nothingIsParsedAfterAProtocolError() {
    RespParser parser = new RespParser(LIMITS);
    List<RespParser.Parsed> parsed = parser.feed(ByteString.fromString("*1\r\n$4\r\nPING\r\n*z\r\n*1\r\n$4\r\nPING\r\n"));
    assertEquals(2, parsed.size());
    assertInstanceOf(RespParser.ProtocolError.class, parsed.get(1));
    assertEquals(List.of(), parser.feed(ByteString.fromString("*1\r\n$4\r\nPING\r\n")));
  }
}
