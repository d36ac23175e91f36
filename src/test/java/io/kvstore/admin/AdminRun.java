package io.kvstore.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** One in-process run of the CLI, with what it wrote to stdout and stderr. */
record AdminRun(int exit, byte[] stdout, String stderr) {
  private static final ObjectMapper JSON = new ObjectMapper();

  static AdminRun run(String... args) {
    return run(new ByteArrayInputStream(new byte[0]), args);
  }

  static AdminRun run(InputStream stdin, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit =
        KvstoreAdmin.execute(
            args,
            stdin,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new AdminRun(exit, out.toByteArray(), err.toString(StandardCharsets.UTF_8));
  }

  String out() {
    return new String(stdout, StandardCharsets.UTF_8);
  }

  JsonNode json() {
    try {
      return JSON.readTree(stdout);
    } catch (IOException e) {
      throw new UncheckedIOException("not JSON: " + out(), e);
    }
  }

  @Override
  public String toString() {
    return "exit " + exit + "\nstdout: " + out() + "\nstderr: " + stderr;
  }
}
