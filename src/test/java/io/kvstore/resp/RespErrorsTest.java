package io.kvstore.resp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kvstore.api.ErrorCode;
import io.kvstore.api.InvalidRequestException;
import io.kvstore.api.UnavailableException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class RespErrorsTest {

  /** docs/api.md's RESP error table lists, in its TRYAGAIN row, exactly the codes answered so. */
  @Test
  void theCodesAnsweredWithTryAgainAreTheOnesDocumented() throws IOException {
    String row =
        Files.readString(Path.of("docs/api.md")).lines().filter(l -> l.startsWith("| `-TRYAGAIN")).findFirst().orElseThrow();
    Set<String> documented =
        Pattern.compile("`([a-z_]+)`").matcher(row).results().map(m -> m.group(1)).collect(Collectors.toSet());
    for (ErrorCode code : ErrorCode.values()) {
      String reply = text(RespErrors.reply(new UnavailableException(code, "why", false, null)));
      assertEquals(documented.contains(code.code()), reply.startsWith("TRYAGAIN " + code.code() + ": why"), reply);
    }
  }

  @Test
  void aWriteThatMayHaveBeenAppliedSaysSoAndABadRequestIsAnErr() {
    assertEquals(
        "TRYAGAIN replication_failed: 1 of 2 replicas (the write may have been applied)",
        text(RespErrors.reply(new UnavailableException(ErrorCode.REPLICATION_FAILED, "1 of 2 replicas", true, null))));
    assertEquals(
        "ERR key must not be empty",
        text(RespErrors.reply(new InvalidRequestException(ErrorCode.INVALID_KEY, "key must not be empty"))));
  }

  private static String text(RespReply reply) {
    String encoded = reply.encode().utf8String();
    return encoded.substring(1, encoded.length() - 2);
  }
}
