package io.kvstore.resp;

import io.kvstore.api.Consistency;
import io.kvstore.api.InvalidRequestException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The commands kvstore answers, with Redis's arity and key positions (which COMMAND reports and
 * which order a connection's commands on the same key), and the connection and server commands.
 */
final class RespCommands {

  @FunctionalInterface
  interface Handler {
    CompletionStage<RespReply> run(RespConnection connection, KeyCommands.Call call);
  }

  /**
   * @param arity argument count including the name; negative: at least that many
   * @param firstKey position of the first key, 0 for none; lastKey -1 for "to the end"
   */
  record Spec(String name, int arity, List<String> flags, int firstKey, int lastKey, int step, Handler handler) {
    boolean accepts(int argumentCount) {
      return arity >= 0 ? argumentCount == arity : argumentCount >= -arity;
    }

    /** The command's keys as raw bytes (as a connection orders them), in argument order. */
    List<byte[]> keys(List<byte[]> args) {
      if (firstKey == 0) {
        return List.of();
      }
      int last = lastKey < 0 ? args.size() + lastKey : Math.min(lastKey, args.size() - 1);
      List<byte[]> keys = new ArrayList<>();
      for (int i = firstKey; i <= last; i += step) {
        keys.add(args.get(i));
      }
      return keys;
    }

    RespReply describe() {
      return RespReply.array(
          List.of(
              RespReply.bulk(name),
              RespReply.integer(arity),
              RespReply.array(flags.stream().<RespReply>map(RespReply.Simple::new).toList()),
              RespReply.integer(firstKey),
              RespReply.integer(lastKey),
              RespReply.integer(step)));
    }
  }

  private final Map<String, Spec> specs = new LinkedHashMap<>();
  private final ServerInfo server;
  private final Supplier<List<RespConnection>> connections;

  RespCommands(KeyCommands keys, ServerInfo server, Supplier<List<RespConnection>> connections) {
    this.server = server;
    this.connections = connections;
    List<String> read = List.of("readonly", "fast");
    List<String> write = List.of("write", "denyoom");
    List<String> writeFast = List.of("write", "fast");
    List<String> connection = List.of("fast", "loading", "stale");
    keyed("get", 2, read, 1, 1, 1, (c, call) -> keys.get(call));
    keyed("set", -3, write, 1, 1, 1, (c, call) -> keys.set(call));
    keyed("setnx", 3, write, 1, 1, 1, (c, call) -> keys.setIfAbsent(call));
    keyed("getdel", 2, writeFast, 1, 1, 1, (c, call) -> keys.getAndDelete(call));
    keyed("del", -2, List.of("write"), 1, -1, 1, (c, call) -> keys.delete(call));
    keyed("exists", -2, read, 1, -1, 1, (c, call) -> keys.exists(call));
    keyed("mget", -2, read, 1, -1, 1, (c, call) -> keys.multiGet(call));
    keyed("mset", -3, write, 1, -1, 2, (c, call) -> keys.multiSet(call));
    keyed("incr", 2, List.of("write", "denyoom", "fast"), 1, 1, 1, (c, call) -> keys.incrementBy(call, 1));
    keyed("decr", 2, List.of("write", "denyoom", "fast"), 1, 1, 1, (c, call) -> keys.incrementBy(call, -1));
    keyed("incrby", 3, List.of("write", "denyoom", "fast"), 1, 1, 1, (c, call) -> keys.incrementBy(call, Arguments.integer(call.args().get(2))));
    keyed("decrby", 3, List.of("write", "denyoom", "fast"), 1, 1, 1, (c, call) -> keys.incrementBy(call, negated(call.args().get(2))));
    keyed("expire", -3, writeFast, 1, 1, 1, (c, call) -> keys.expire(call, 1000));
    keyed("pexpire", -3, writeFast, 1, 1, 1, (c, call) -> keys.expire(call, 1));
    keyed("persist", 2, writeFast, 1, 1, 1, (c, call) -> keys.persist(call));
    keyed("setex", 4, write, 1, 1, 1, (c, call) -> keys.setWithExpiry(call, "EX"));
    keyed("psetex", 4, write, 1, 1, 1, (c, call) -> keys.setWithExpiry(call, "PX"));
    keyed("getset", 3, write, 1, 1, 1, (c, call) -> keys.getAndSet(call));
    keyed("getex", -2, writeFast, 1, 1, 1, (c, call) -> keys.getAndExpire(call));
    keyed("append", 3, write, 1, 1, 1, (c, call) -> keys.append(call));
    keyed("setrange", 4, write, 1, 1, 1, (c, call) -> keys.setRange(call));
    keyed("strlen", 2, read, 1, 1, 1, (c, call) -> keys.stringLength(call));
    keyed("getrange", 4, List.of("readonly"), 1, 1, 1, (c, call) -> keys.getRange(call));
    keyed("incrbyfloat", 3, List.of("write", "denyoom", "fast"), 1, 1, 1, (c, call) -> keys.incrementByFloat(call));
    keyed("type", 2, read, 1, 1, 1, (c, call) -> keys.type(call));
    keyed("touch", -2, read, 1, -1, 1, (c, call) -> keys.exists(call));
    keyed("unlink", -2, writeFast, 1, -1, 1, (c, call) -> keys.delete(call));
    keyed("rename", 3, List.of("write"), 1, 2, 1, (c, call) -> keys.rename(call));
    keyed("ttl", 2, read, 1, 1, 1, (c, call) -> keys.timeToLive(call, 1000));
    keyed("pttl", 2, read, 1, 1, 1, (c, call) -> keys.timeToLive(call, 1));
    plain("scan", -2, List.of("readonly"), (c, call) -> keys.scan(call));
    plain("keys", 2, List.of("readonly"), (c, call) -> keys.keys(call));
    plain("ping", -1, connection, this::ping);
    plain("echo", 2, connection, (c, call) -> reply(RespReply.bulk(call.args().get(1))));
    plain("quit", -1, connection, (c, call) -> reply(RespReply.OK));
    plain("select", 2, List.of("loading", "stale", "fast"), this::select);
    plain("hello", -1, connection, this::hello);
    plain("client", -2, List.of("admin", "noscript", "loading", "stale"), this::client);
    plain("command", -1, List.of("random", "loading", "stale"), this::command);
    plain("config", -2, List.of("admin", "noscript", "loading", "stale"), this::config);
    plain("info", -1, List.of("random", "loading", "stale"), this::info);
    plain("dbsize", 1, List.of("readonly"), (c, call) -> keys.countKeys(call));
    plain("randomkey", 1, List.of("readonly"), (c, call) -> keys.randomKey(call));
    plain("flushdb", -1, List.of("write"), (c, call) -> keys.flush(call));
    plain("flushall", -1, List.of("write"), (c, call) -> keys.flush(call));
    for (String transactional : List.of("multi", "exec", "discard", "watch", "unwatch")) {
      plain(transactional, -1, List.of("noscript", "loading", "stale", "fast"), (c, call) -> noTransactions());
    }
    plain("kvstore.consistency", -1, connection, this::consistency);
  }

  /** The command's spec; null when kvstore does not know it. */
  Spec spec(String upperCaseName) {
    return specs.get(upperCaseName);
  }

  private void keyed(String name, int arity, List<String> flags, int first, int last, int step, Handler handler) {
    specs.put(name.toUpperCase(Locale.ROOT), new Spec(name, arity, flags, first, last, step, handler));
  }

  private void plain(String name, int arity, List<String> flags, Handler handler) {
    keyed(name, arity, flags, 0, 0, 0, handler);
  }

  private static long negated(byte[] amount) {
    long value = Arguments.integer(amount);
    if (value == Long.MIN_VALUE) {
      throw new RespException("ERR decrement would overflow");
    }
    return -value;
  }

  /**
   * kvstore has no transaction across keys (each key's entity is its own single writer); a client
   * that counted on MULTI's atomicity must learn so at once, not find its commands run one by one.
   */
  private static CompletionStage<RespReply> noTransactions() {
    throw new RespException(
        "ERR MULTI/EXEC transactions are not supported: kvstore runs each command on its own key. "
            + "Use SET ... GET, GETDEL, INCR and friends, which are atomic per key, or compare-and-set over HTTP (If-Match)");
  }

  private static CompletionStage<RespReply> reply(RespReply reply) {
    return CompletableFuture.completedFuture(reply);
  }

  private CompletionStage<RespReply> ping(RespConnection connection, KeyCommands.Call call) {
    return switch (call.args().size()) {
      case 1 -> reply(new RespReply.Simple("PONG"));
      case 2 -> reply(RespReply.bulk(call.args().get(1)));
      default -> throw new RespException("ERR wrong number of arguments for 'ping' command");
    };
  }

  private CompletionStage<RespReply> select(RespConnection connection, KeyCommands.Call call) {
    long index = Arguments.integer(call.args().get(1));
    if (index != 0) {
      throw new RespException("ERR DB index is out of range");
    }
    return reply(RespReply.OK);
  }

  /** HELLO [2 [AUTH user pass] [SETNAME name]]: RESP2 only; kvstore has no users to authenticate. */
  private CompletionStage<RespReply> hello(RespConnection connection, KeyCommands.Call call) {
    List<byte[]> args = call.args();
    if (args.size() > 1) {
      long version;
      try {
        version = Arguments.integer(args.get(1));
      } catch (RespException e) {
        throw new RespException("ERR Protocol version is not an integer or out of range");
      }
      if (version != 2) {
        throw new RespException("NOPROTO unsupported protocol version");
      }
    }
    for (int i = 2; i < args.size(); i++) {
      String option = Arguments.word(args.get(i));
      if (option.equals("SETNAME") && i + 1 < args.size()) {
        connection.setName(clientName(args.get(++i)));
      } else if (option.equals("AUTH")) {
        throw new RespException("ERR AUTH is not supported: kvstore has no users");
      } else {
        throw new RespException("ERR Syntax error in HELLO option '" + Arguments.text(args.get(i)) + "'");
      }
    }
    List<RespReply> fields = new ArrayList<>();
    field(fields, "server", RespReply.bulk("kvstore"));
    field(fields, "version", RespReply.bulk(ServerInfo.REDIS_COMPATIBILITY));
    field(fields, "proto", RespReply.integer(2));
    field(fields, "id", RespReply.integer(connection.id()));
    field(fields, "mode", RespReply.bulk("standalone"));
    field(fields, "role", RespReply.bulk("master"));
    field(fields, "modules", RespReply.array(List.of()));
    return reply(RespReply.array(fields));
  }

  private static void field(List<RespReply> fields, String name, RespReply value) {
    fields.add(RespReply.bulk(name));
    fields.add(value);
  }

  private static String clientName(byte[] name) {
    for (byte b : name) {
      if (b <= ' ' || b > '~') {
        throw new RespException("ERR Client names cannot contain spaces, newlines or special characters.");
      }
    }
    return new String(name, StandardCharsets.US_ASCII);
  }

  private CompletionStage<RespReply> client(RespConnection connection, KeyCommands.Call call) {
    String sub = Arguments.word(call.args().get(1));
    int count = call.args().size();
    return switch (sub) {
      case "SETNAME" -> {
        requireCount(count == 3, "client|setname");
        connection.setName(clientName(call.args().get(2)));
        yield reply(RespReply.OK);
      }
      case "GETNAME" -> reply(connection.name().isEmpty() ? RespReply.NIL : RespReply.bulk(connection.name()));
      case "ID" -> reply(RespReply.integer(connection.id()));
      case "INFO" -> reply(RespReply.bulk(connection.describe() + "\n"));
      case "LIST" -> reply(RespReply.bulk(connections.get().stream().map(c -> c.describe() + "\n").collect(Collectors.joining())));
      // Client libraries announce themselves (Jedis 5, redis-py); nothing here uses it.
      case "SETINFO" -> {
        requireCount(count == 4, "client|setinfo");
        yield reply(RespReply.OK);
      }
      default -> throw new RespException(
          "ERR unknown subcommand '" + Arguments.text(call.args().get(1)) + "'. Try CLIENT HELP.");
    };
  }

  private static void requireCount(boolean ok, String command) {
    if (!ok) {
      throw new RespException("ERR wrong number of arguments for '" + command + "' command");
    }
  }

  /** COMMAND, COMMAND COUNT, COMMAND INFO name…, COMMAND DOCS (empty: kvstore keeps no docs). */
  private CompletionStage<RespReply> command(RespConnection connection, KeyCommands.Call call) {
    if (call.args().size() == 1) {
      return reply(RespReply.array(specs.values().stream().map(Spec::describe).toList()));
    }
    return switch (Arguments.word(call.args().get(1))) {
      case "COUNT" -> reply(RespReply.integer(specs.size()));
      case "DOCS" -> reply(RespReply.array(List.of()));
      case "INFO" -> reply(
          RespReply.array(
              call.args().subList(2, call.args().size()).stream()
                  .map(name -> specs.get(Arguments.word(name)))
                  .map(spec -> spec == null ? RespReply.NIL_ARRAY : spec.describe())
                  .toList()));
      default -> throw new RespException(
          "ERR unknown subcommand '" + Arguments.text(call.args().get(1)) + "'. Try COMMAND HELP.");
    };
  }

  /** CONFIG GET answers no parameter: kvstore's settings are not Redis's (tools that ask go on). */
  private CompletionStage<RespReply> config(RespConnection connection, KeyCommands.Call call) {
    if (Arguments.word(call.args().get(1)).equals("GET")) {
      requireCount(call.args().size() >= 3, "config|get");
      return reply(RespReply.array(List.of()));
    }
    throw new RespException("ERR CONFIG " + Arguments.text(call.args().get(1)) + " is not supported by kvstore");
  }

  private CompletionStage<RespReply> info(RespConnection connection, KeyCommands.Call call) {
    Set<String> sections = new LinkedHashSet<>();
    call.args().subList(1, call.args().size()).forEach(section -> sections.add(ServerInfo.section(section)));
    return server.info(sections).thenApply(RespReply::bulk);
  }

  /** KVSTORE.CONSISTENCY [ONE|QUORUM|ALL|LINEARIZABLE]: the connection's level, read or set. */
  private CompletionStage<RespReply> consistency(RespConnection connection, KeyCommands.Call call) {
    if (call.args().size() == 1) {
      return reply(new RespReply.Simple(connection.consistency().name()));
    }
    requireCount(call.args().size() == 2, "kvstore.consistency");
    try {
      connection.setConsistency(Consistency.parse(Arguments.text(call.args().get(1))));
    } catch (InvalidRequestException e) {
      throw new RespException("ERR " + e.getMessage());
    }
    return reply(RespReply.OK);
  }
}
