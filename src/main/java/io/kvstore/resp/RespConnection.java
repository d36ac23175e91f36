package io.kvstore.resp;

import io.kvstore.Stages;
import io.kvstore.api.Consistency;
import io.kvstore.api.KvStoreException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection: its state (name, consistency level) and the running of its commands.
 *
 * <p>Commands are handed over in the order they arrived and may run concurrently (pipelining),
 * but a command waits for the connection's earlier commands on any of its keys: a pipelined
 * {@code SET k} then {@code GET k} reads what was set, as with Redis. Commands on other keys do not
 * wait. Connection commands (CLIENT SETNAME, KVSTORE.CONSISTENCY…) take effect in arrival order.
 */
final class RespConnection {
  private static final Logger log = LoggerFactory.getLogger(RespConnection.class);

  /** A reply, and whether the connection closes after it (QUIT, protocol errors). */
  record Answer(RespReply reply, boolean closes) {}

  private final long id;
  private final InetSocketAddress remote;
  private final InetSocketAddress local;
  private final RespCommands commands;
  private final long createdMillis = System.currentTimeMillis();
  /** Per key (raw bytes as ISO-8859-1), the completion of this connection's latest command on it. */
  private final Map<String, CompletableFuture<Void>> latestByKey = new ConcurrentHashMap<>();
  private volatile String name = "";
  private volatile Consistency consistency;
  private volatile String lastCommand = "NULL";
  /** Set by QUIT or a protocol error: what the client pipelined after it is not run. */
  private volatile boolean closing;

  RespConnection(long id, InetSocketAddress remote, InetSocketAddress local, Consistency consistency, RespCommands commands) {
    this.id = id;
    this.remote = remote;
    this.local = local;
    this.consistency = consistency;
    this.commands = commands;
  }

  /** Runs one parsed request; called in arrival order. */
  CompletionStage<Answer> handle(RespParser.Parsed parsed) {
    if (closing) {
      return CompletableFuture.completedFuture(new Answer(RespReply.error("ERR connection closing"), true));
    }
    if (parsed instanceof RespParser.ProtocolError error) {
      closing = true;
      return CompletableFuture.completedFuture(new Answer(RespReply.error("ERR Protocol error: " + error.message()), true));
    }
    List<byte[]> args = ((RespParser.Command) parsed).arguments();
    String name = Arguments.text(args.get(0)).toUpperCase(Locale.ROOT);
    RespCommands.Spec spec = commands.spec(name);
    if (spec == null) {
      return answer(RespReply.error(unknownCommand(args)));
    }
    if (!spec.accepts(args.size())) {
      return answer(RespReply.error("ERR wrong number of arguments for '" + spec.name() + "' command"));
    }
    lastCommand = spec.name();
    KeyCommands.Call call = new KeyCommands.Call(args, consistency);
    List<String> keys = spec.keys(args).stream().map(key -> new String(key, StandardCharsets.ISO_8859_1)).toList();
    CompletableFuture<RespReply> reply = afterEarlierCommandsOn(keys).thenCompose(ready -> run(spec, call));
    remember(keys, reply);
    boolean quits = name.equals("QUIT");
    closing = quits;
    return reply.thenApply(r -> new Answer(r, quits));
  }

  private CompletableFuture<Void> afterEarlierCommandsOn(List<String> keys) {
    List<CompletableFuture<Void>> earlier = new ArrayList<>(keys.size());
    for (String key : keys) {
      CompletableFuture<Void> latest = latestByKey.get(key);
      if (latest != null) {
        earlier.add(latest);
      }
    }
    return switch (earlier.size()) {
      case 0 -> CompletableFuture.completedFuture(null);
      case 1 -> earlier.get(0);
      default -> CompletableFuture.allOf(earlier.toArray(CompletableFuture[]::new));
    };
  }

  private void remember(List<String> keys, CompletableFuture<RespReply> reply) {
    if (keys.isEmpty() || reply.isDone()) {
      return;
    }
    CompletableFuture<Void> done = reply.handle((r, failure) -> null);
    for (String key : keys) {
      latestByKey.put(key, done);
    }
    done.thenRun(() -> keys.forEach(key -> latestByKey.remove(key, done)));
  }

  private CompletableFuture<RespReply> run(RespCommands.Spec spec, KeyCommands.Call call) {
    CompletionStage<RespReply> running;
    try {
      running = spec.handler().run(this, call);
    } catch (RuntimeException e) {
      return CompletableFuture.completedFuture(errorReply(e));
    }
    return Stages.direct(running).exceptionally(RespConnection::errorReply);
  }

  private static CompletionStage<Answer> answer(RespReply reply) {
    return CompletableFuture.completedFuture(new Answer(reply, false));
  }

  private static String unknownCommand(List<byte[]> args) {
    StringBuilder text = new StringBuilder("ERR unknown command '").append(Arguments.text(args.get(0))).append("', with args beginning with: ");
    for (byte[] arg : args.subList(1, Math.min(args.size(), 21))) {
      String shown = Arguments.text(arg);
      text.append('\'').append(shown.length() > 128 ? shown.substring(0, 128) : shown).append("' ");
    }
    return text.toString();
  }

  /** A failed command's reply: kvstore's errors as {@link RespErrors} maps them, anything else an internal error. */
  static RespReply errorReply(Throwable failure) {
    Throwable cause = Stages.cause(failure);
    if (cause instanceof RespException resp) {
      return resp.reply();
    }
    if (cause instanceof KvStoreException known) {
      return RespErrors.reply(known);
    }
    log.error("RESP command failed", cause);
    return RespReply.error("ERR internal error: " + cause);
  }

  long id() {
    return id;
  }

  String name() {
    return name;
  }

  void setName(String newName) {
    name = newName;
  }

  Consistency consistency() {
    return consistency;
  }

  void setConsistency(Consistency level) {
    consistency = level;
  }

  /** As in Redis's CLIENT LIST, with kvstore's consistency level added. */
  String describe() {
    return "id=" + id
        + " addr=" + remote.getHostString() + ":" + remote.getPort()
        + " laddr=" + local.getHostString() + ":" + local.getPort()
        + " name=" + name
        + " age=" + (System.currentTimeMillis() - createdMillis) / 1000
        + " db=0 cmd=" + lastCommand
        + " consistency=" + consistency.name().toLowerCase(Locale.ROOT);
  }
}
