package io.kvstore.resp;

import akka.actor.typed.ActorSystem;
import akka.japi.function.Creator;
import akka.japi.function.Function;
import akka.stream.javadsl.Flow;
import akka.stream.javadsl.Sink;
import akka.stream.javadsl.Source;
import akka.stream.javadsl.Tcp;
import akka.util.ByteString;
import io.kvstore.api.KvCluster;
import io.kvstore.api.KvStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The Redis-protocol (RESP2) front-end: a TCP server on Akka Streams, one stream per connection,
 * serving {@link KvStore} as HTTP does.
 *
 * <p>Per connection: bytes → {@link RespParser} → up to {@code pipeline-depth} commands in flight
 * (mapAsync keeps replies in request order) → replies, coalesced into one write while the socket
 * is busy. When commands are in flight at the limit, the stream stops reading the socket, so a
 * client that pipelines without bound is held back by TCP rather than buffered in memory.
 */
public final class RespServer {
  /** Akka's default for Tcp.bind. */
  private static final int BACKLOG = 100;

  private final RespSettings settings;
  private final Map<Long, RespConnection> connections = new ConcurrentHashMap<>();
  private final AtomicLong connectionIds = new AtomicLong();
  private final RespCommands commands;
  private volatile int boundPort;

  private RespServer(ActorSystem<?> system, RespSettings settings, KvStore store, String nodeId, KvCluster cluster) {
    this.settings = settings;
    ServerInfo server =
        new ServerInfo(nodeId, cluster, connections::size, () -> boundPort, settings.maxConnections());
    KeyCommands.Delay delay =
        duration -> {
          CompletableFuture<Void> elapsed = new CompletableFuture<>();
          system.scheduler().scheduleOnce(duration, () -> elapsed.complete(null), system.executionContext());
          return elapsed;
        };
    KeyCommands keys = new KeyCommands(store, System::currentTimeMillis, settings.maxUpdateAttempts(), delay, settings.maxKeysReply(), settings.limits().maxBulkBytes());
    this.commands = new RespCommands(keys, server, () -> new ArrayList<>(connections.values()));
  }

  /** Binds the port; the stage completes once it is listening and fails if it cannot be bound. */
  public static CompletionStage<Tcp.ServerBinding> bind(
      ActorSystem<?> system, RespSettings settings, KvStore store, String nodeId, KvCluster cluster) {
    RespServer server = new RespServer(system, settings, store, nodeId, cluster);
    return Tcp.get(system)
        // Half-close: the reply side can end while the request side is still read (LingeringClose).
        .bind(settings.host(), settings.port(), BACKLOG, List.of(), true, Optional.empty())
        .to(Sink.foreach(connection -> server.accept(connection, system)))
        .run(system)
        .thenApply(
            binding -> {
              server.boundPort = binding.localAddress().getPort();
              return binding;
            });
  }

  private void accept(Tcp.IncomingConnection incoming, ActorSystem<?> system) {
    if (connections.size() >= settings.maxConnections()) {
      incoming.handleWith(
          Flow.fromSinkAndSource(
              Flow.of(ByteString.class).takeWithin(settings.closeLinger()).to(Sink.ignore()),
              Source.single(RespReply.error("ERR max number of clients reached").encode())),
          system);
      return;
    }
    long id = connectionIds.incrementAndGet();
    RespConnection connection =
        new RespConnection(id, incoming.remoteAddress(), incoming.localAddress(), settings.consistency(), commands);
    connections.put(id, connection);
    incoming.handleWith(
        session(connection).watchTermination((notUsed, done) -> done.whenComplete((d, failure) -> connections.remove(id))),
        system);
  }

  private Flow<ByteString, ByteString, akka.NotUsed> session(RespConnection connection) {
    Creator<Function<ByteString, Iterable<RespParser.Parsed>>> parsing =
        () -> {
          RespParser parser = new RespParser(settings.limits());
          return parser::feed;
        };
    return Flow.of(ByteString.class)
        .statefulMapConcat(parsing)
        .mapAsync(settings.pipelineDepth(), connection::handle)
        .via(new LingeringClose(settings.closeLinger()))
        .map(answer -> answer.reply().encode())
        // While the socket is busy, the next replies are joined into one write.
        .batch(settings.pipelineDepth(), reply -> reply, ByteString::concat);
  }
}
