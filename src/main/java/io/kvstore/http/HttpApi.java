package io.kvstore.http;

import akka.NotUsed;
import akka.actor.typed.ActorSystem;
import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpEntities;
import akka.http.javadsl.model.HttpHeader;
import akka.http.javadsl.model.HttpMethods;
import akka.http.javadsl.model.HttpRequest;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.Query;
import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.model.headers.ETag;
import akka.http.javadsl.model.headers.EntityTag;
import akka.http.javadsl.model.headers.RawHeader;
import akka.http.javadsl.server.AllDirectives;
import akka.http.javadsl.server.PathMatchers;
import akka.http.javadsl.server.Route;
import akka.http.javadsl.settings.ServerSettings;
import akka.http.scaladsl.model.EntityStreamSizeException;
import akka.stream.javadsl.Flow;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kvstore.Stages;
import io.kvstore.api.Consistency;
import io.kvstore.api.ErrorCode;
import io.kvstore.api.InvalidRequestException;
import io.kvstore.api.KvCluster;
import io.kvstore.api.KvEntry;
import io.kvstore.api.KvStore;
import io.kvstore.api.KvStoreException;
import io.kvstore.api.KvVersion;
import io.kvstore.api.Limits;
import io.kvstore.api.PayloadTooLargeException;
import io.kvstore.api.ScanOptions;
import io.kvstore.api.ScanPage;
import io.kvstore.api.WriteOptions;
import io.kvstore.api.WriteResult;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import java.util.function.BiFunction;

/** The REST API of seed design 003: {@code /api/v1/keys/{key}} and health endpoints. */
public final class HttpApi extends AllDirectives {
  private static final String CONSISTENCY_HEADER = "X-Consistency-Level";
  private static final String TTL_HEADER = "X-TTL";

  private final KvStore store;
  private final ActorSystem<?> system;
  private final Limits limits;
  private final Duration bodyReadTimeout;
  private final Duration requestHeadTimeout;
  private final Health health;
  private final KvCluster cluster;
  private final Batches batches;
  private final long batchMaxBytes;

  public HttpApi(
      KvStore store, ActorSystem<?> system, HttpSettings settings, Limits limits, Health health, KvCluster cluster) {
    this.store = store;
    this.cluster = cluster;
    this.system = system;
    this.limits = limits;
    this.bodyReadTimeout = settings.bodyReadTimeout();
    this.requestHeadTimeout = settings.requestHeadTimeout();
    this.batches = new Batches(store, settings.batchMaxItems());
    this.batchMaxBytes = settings.batchMaxBytes();
    this.health = health;
  }

  /**
   * Akka HTTP's server settings with kvstore's answer to requests still pending when a stopping
   * node's termination deadline passes: JSON like every other error (Akka's own is an empty 503).
   */
  public static ServerSettings withJsonTerminationAnswer(ServerSettings settings) {
    return settings.withTerminationDeadlineExceededResponse(
        JsonResponses.error(ErrorCode.SHUTTING_DOWN, "this node is shutting down; retry on another node"));
  }

  /** What each connection of the API port runs: every route, behind the request-head deadline. */
  public Flow<HttpRequest, HttpResponse, NotUsed> apiConnection() {
    return connection(routes());
  }

  /**
   * What each connection of the health port runs: only {@code /health/alive} and {@code
   * /health/ready}, on a listener with its own connection limit, so that load balancers and
   * orchestrators still reach them while clients hold every connection of the API port.
   */
  public Flow<HttpRequest, HttpResponse, NotUsed> healthConnection() {
    return connection(concat(healthRoutes(), extractUnmatchedPath(this::notFound)));
  }

  private Flow<HttpRequest, HttpResponse, NotUsed> connection(Route route) {
    // As Akka HTTP's own bind(route) runs it (one request at a time per connection), plus the deadline.
    return Flow.of(HttpRequest.class).via(new RequestHeadDeadline(requestHeadTimeout)).mapAsync(1, route.handler(system));
  }

  private Route healthRoutes() {
    return pathPrefix("health", () -> concat(path("alive", this::alive), path("ready", this::ready)));
  }

  private Route notFound(String path) {
    return complete(JsonResponses.error(ErrorCode.NOT_FOUND, "no endpoint at " + path));
  }

  public Route routes() {
    return withRequestTimeoutResponse(
        request ->
            JsonResponses.error(ErrorCode.TIMEOUT, "the request took too long to answer"),
        () ->
            concat(
                extractRequest(
                    request ->
                        KeyPath.rawKeyPart(request)
                            .<Route>map(rawKey -> completeWithFuture(keyRequest(request, rawKey)))
                            .orElseGet(this::reject)),
                healthRoutes(),
                pathPrefix(
                    "api",
                    () ->
                        pathPrefix(
                            "v1",
                            () ->
                                concat(
                                    path(
                                        "keys",
                                        () ->
                                            extractRequest(
                                                request ->
                                                    completeWithFuture(
                                                        request.method().equals(HttpMethods.GET)
                                                            ? scan(request)
                                                            : keyRequest(request, "")))),
                                    pathPrefix("batch", this::batchRoutes),
                                    pathPrefix("cluster", this::clusterRoutes)))),
                extractUnmatchedPath(this::notFound)));
  }

  private Route batchRoutes() {
    return concat(
        path("get", () -> post(() -> extractRequest(request -> completeWithFuture(batch(request, batches::get))))),
        path("put", () -> post(() -> extractRequest(request -> completeWithFuture(batch(request, batches::put))))),
        complete(JsonResponses.error(ErrorCode.METHOD_NOT_ALLOWED, "use POST /api/v1/batch/get or POST /api/v1/batch/put")));
  }

  private CompletionStage<HttpResponse> batch(
      HttpRequest request, BiFunction<byte[], Consistency, CompletionStage<HttpResponse>> operation) {
    try {
      Consistency consistency = header(request, CONSISTENCY_HEADER).map(Consistency::parse).orElse(null);
      return readBody(request, batchMaxBytes)
          .thenCompose(body -> operation.apply(body, consistency))
          .exceptionally(
              failure ->
                  Stages.cause(failure) instanceof EntityStreamSizeException
                      ? JsonResponses.error(ErrorCode.BATCH_TOO_LARGE, "a batch request body is at most " + batchMaxBytes + " bytes")
                      : errorResponse(failure, null));
    } catch (RuntimeException e) {
      return CompletableFuture.completedFuture(errorResponse(e, null));
    }
  }

  private Route clusterRoutes() {
    return concat(
        path("status", () -> get(() -> completeWithFuture(cluster.status().thenApply(ClusterJson::status)))),
        path("merkle", () -> get(() -> completeWithFuture(cluster.merkleRoots().thenApply(ClusterJson::merkle)))),
        path("partitions", () -> get(() -> completeWithFuture(cluster.partitions().thenApply(ClusterJson::partitions)))),
        path("repair", () -> post(() -> parameterOptional("all", all -> completeWithFuture(repair(all))))),
        pathPrefix(
            "nodes",
            () ->
                concat(
                    pathEnd(() -> post(() -> extractRequest(request -> completeWithFuture(join(request))))),
                    path(
                        segment -> delete(
                            () ->
                                parameterOptional(
                                    "force",
                                    force -> complete(ClusterJson.removal(segment, cluster.remove(segment, force.map("true"::equals).orElse(false))))))),
                    path(
                        PathMatchers.segment().slash("leave"),
                        nodeId -> post(() -> complete(ClusterJson.leaving(nodeId, cluster.leave(nodeId))))))),
        extractMethod(
            method ->
                complete(
                    JsonResponses.error(ErrorCode.METHOD_NOT_ALLOWED,
                        "use GET /api/v1/cluster/status, /merkle or /partitions, POST /api/v1/cluster/repair, POST /api/v1/cluster/nodes, "
                            + "POST /api/v1/cluster/nodes/{id}/leave or DELETE /api/v1/cluster/nodes/{id}"))));
  }

  private CompletionStage<HttpResponse> repair(Optional<String> all) {
    try {
      return cluster.repair(all.map(text -> parseFlag("all", text)).orElse(false)).thenApply(ClusterJson::repair);
    } catch (RuntimeException e) {
      return CompletableFuture.completedFuture(errorResponse(e, null));
    }
  }

  private CompletionStage<HttpResponse> join(HttpRequest request) {
    return readBody(request)
        .thenApply(body -> cluster.join(ClusterJson.addressOf(body)))
        .thenApply(ClusterJson::joining)
        .exceptionally(failure -> errorResponse(failure, null));
  }

  private Route alive() {
    Optional<String> failure = health.fatalFailure();
    if (failure.isPresent()) {
      return complete(JsonResponses.error(ErrorCode.FAILED, failure.get()));
    }
    return complete(JsonResponses.json(StatusCodes.OK, JsonResponses.object().put("status", "alive")));
  }

  private Route ready() {
    List<String> reasons = health.notReadyReasons();
    if (reasons.isEmpty()) {
      return complete(JsonResponses.json(StatusCodes.OK, JsonResponses.object().put("status", "ready")));
    }
    ObjectNode body = JsonResponses.errorBody(ErrorCode.NOT_READY, String.join("; ", reasons));
    ArrayNode reasonList = body.putArray("reasons");
    reasons.forEach(reasonList::add);
    return complete(JsonResponses.error(ErrorCode.NOT_READY, body));
  }

  /** @param rawKey the key as sent, percent-encoded: errors name it so when it does not decode */
  private CompletionStage<HttpResponse> keyRequest(HttpRequest request, String rawKey) {
    String key = rawKey;
    try {
      key = KeyPath.decode(rawKey);
      String keyForErrors = key;
      return dispatch(request, key)
          .exceptionally(failure -> errorResponse(failure, keyForErrors));
    } catch (RuntimeException e) {
      return CompletableFuture.completedFuture(errorResponse(e, key));
    }
  }

  private CompletionStage<HttpResponse> dispatch(HttpRequest request, String key) {
    Consistency consistency =
        header(request, CONSISTENCY_HEADER).map(Consistency::parse).orElse(null);
    // HEAD answers as GET does; Akka sends the headers without the body (and no Content-Length).
    if (request.method().equals(HttpMethods.GET) || request.method().equals(HttpMethods.HEAD)) {
      Optional<String> versions = request.getUri().query().get("versions");
      if (versions.isPresent()) {
        if (!versions.get().equals("all")) {
          throw new InvalidRequestException(ErrorCode.INVALID_PARAMETER, "versions must be 'all'");
        }
        return store.versions(key).thenApply(list -> versionsResponse(key, list));
      }
      boolean raw = wantsRawBytes(request);
      return store
          .get(key, consistency == null ? Consistency.LINEARIZABLE : consistency)
          .thenApply(found -> found.map(entry -> getResponse(entry, raw)).orElseGet(() -> JsonResponses.notFound(key)));
    }
    if (request.method().equals(HttpMethods.PUT)) {
      WriteOptions options = writeOptions(request, consistency, true);
      return readBody(request)
          .thenCompose(value -> store.put(key, value, options))
          .thenApply(result -> writeResponse(result, "ok"));
    }
    if (request.method().equals(HttpMethods.DELETE)) {
      WriteOptions options = writeOptions(request, consistency, false);
      return store
          .delete(key, options)
          .thenApply(deleted -> deleted.map(result -> writeResponse(result, "deleted")).orElseGet(() -> JsonResponses.notFound(key)));
    }
    return CompletableFuture.completedFuture(
        JsonResponses.error(ErrorCode.METHOD_NOT_ALLOWED,
                request.method().value() + " is not supported on keys; use GET, HEAD, PUT or DELETE")
            .addHeader(RawHeader.create("Allow", "GET, HEAD, PUT, DELETE")));
  }

  private WriteOptions writeOptions(HttpRequest request, Consistency consistency, boolean isPut) {
    WriteOptions options = WriteOptions.defaults();
    if (consistency != null) {
      options = options.withConsistency(consistency);
    }
    Optional<String> ttl = header(request, TTL_HEADER);
    if (ttl.isPresent()) {
      if (!isPut) {
        throw new InvalidRequestException(ErrorCode.INVALID_HEADER, "X-TTL applies to PUT only");
      }
      options = options.withTtl(Duration.ofSeconds(parseTtlSeconds(ttl.get())));
    }
    Optional<String> ifMatch = header(request, "If-Match");
    Optional<String> ifNoneMatch = header(request, "If-None-Match");
    if (ifMatch.isPresent() && ifNoneMatch.isPresent()) {
      throw new InvalidRequestException(ErrorCode.INVALID_HEADER, "send If-Match or If-None-Match, not both");
    }
    if (ifMatch.isPresent()) {
      options = options.onlyIfVersionIn(EntityTags.parseIfMatch(ifMatch.get()));
    }
    if (ifNoneMatch.isPresent()) {
      if (!isPut || !ifNoneMatch.get().trim().equals("*")) {
        throw new InvalidRequestException(
            ErrorCode.INVALID_HEADER, "only 'If-None-Match: *' (create only) is supported, on PUT");
      }
      options = options.onlyIfAbsent();
    }
    return options;
  }

  /** Digits only: {@code Long.parseLong} alone would take "+5". */
  private static long parseTtlSeconds(String text) {
    String digits = text.trim();
    if (!digits.isEmpty() && digits.length() <= 10 && digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
      long seconds = Long.parseLong(digits);
      if (seconds >= 1 && seconds <= Integer.MAX_VALUE) {
        return seconds;
      }
    }
    throw new InvalidRequestException(
        ErrorCode.INVALID_TTL, "X-TTL must be a whole number of seconds from 1 to " + Integer.MAX_VALUE + ", was '" + text + "'");
  }

  private CompletionStage<byte[]> readBody(HttpRequest request) {
    return readBody(request, limits.maxValueBytes());
  }

  private CompletionStage<byte[]> readBody(HttpRequest request, long maxBytes) {
    return Stages.direct(request.entity().withSizeLimit(maxBytes).toStrict(bodyReadTimeout.toMillis(), system))
        .thenApply(strict -> strict.getData().toArray());
  }

  private static boolean wantsRawBytes(HttpRequest request) {
    return header(request, "Accept").map(accept -> accept.contains("application/octet-stream")).orElse(false);
  }

  /**
   * A header kvstore reads, which must appear at most once: Akka would silently take the first of
   * several, and a client that sent two meant something this node cannot guess.
   */
  private static Optional<String> header(HttpRequest request, String name) {
    long count = java.util.stream.StreamSupport.stream(request.getHeaders().spliterator(), false).filter(h -> h.is(name.toLowerCase(java.util.Locale.ROOT))).count();
    if (count > 1) {
      throw new InvalidRequestException(ErrorCode.INVALID_HEADER, name + " must appear once, was sent " + count + " times");
    }
    return request.getHeader(name).map(HttpHeader::value);
  }

  private static HttpResponse getResponse(KvEntry entry, boolean raw) {
    HttpResponse response;
    if (raw) {
      response =
          HttpResponse.create()
              .withEntity(HttpEntities.create(ContentTypes.APPLICATION_OCTET_STREAM, entry.value()))
              .addHeader(RawHeader.create("X-Timestamp", Long.toString(entry.timestamp())));
    } else {
      response = JsonResponses.json(StatusCodes.OK, putEntry(JsonResponses.object(), entry));
    }
    return response.addHeader(ETag.create(EntityTag.create(entry.version(), false)));
  }

  /** An entry's fields, as GET answers them and a scan lists them (without a value unless asked). */
  static ObjectNode putEntry(ObjectNode body, KvEntry entry) {
    body.put("key", entry.key());
    if (entry.value() != null) {
      body.put("value", Base64.getEncoder().encodeToString(entry.value()));
    }
    body.put("version", entry.version()).put("timestamp", entry.timestamp());
    entry.expiresAt().ifPresent(at -> body.put("expires_at", at));
    return body;
  }

  /** {@code GET /api/v1/keys?cursor=&prefix=&match=&limit=&values=}: one page of a scan. */
  private CompletionStage<HttpResponse> scan(HttpRequest request) {
    try {
      Query query = request.getUri().query();
      ScanOptions options =
          ScanOptions.from(query.get("cursor").orElse(ScanOptions.START))
              .withPrefix(query.get("prefix").orElse(null))
              .withMatch(query.get("match").orElse(null))
              .withLimit(query.get("limit").map(HttpApi::parseLimit).orElse(null))
              .withValues(query.get("values").map(text -> parseFlag("values", text)).orElse(false))
              .withConsistency(header(request, CONSISTENCY_HEADER).map(Consistency::parse).orElse(Consistency.ONE));
      return store.scan(options).thenApply(HttpApi::scanResponse).exceptionally(failure -> errorResponse(failure, null));
    } catch (RuntimeException e) {
      return CompletableFuture.completedFuture(errorResponse(e, null));
    }
  }

  private static int parseLimit(String text) {
    try {
      return Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw new InvalidRequestException(ErrorCode.INVALID_PARAMETER, "limit must be a whole number, was '" + text + "'");
    }
  }

  private static boolean parseFlag(String name, String text) {
    return switch (text) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new InvalidRequestException(ErrorCode.INVALID_PARAMETER, name + " must be true or false, was '" + text + "'");
    };
  }

  private static HttpResponse scanResponse(ScanPage page) {
    ObjectNode body = JsonResponses.object();
    ArrayNode keys = body.putArray("keys");
    page.entries().forEach(entry -> putEntry(keys.addObject(), entry));
    body.put("cursor", page.cursor()).put("complete", page.complete());
    return JsonResponses.json(StatusCodes.OK, body);
  }

  private static HttpResponse writeResponse(WriteResult result, String status) {
    return JsonResponses.json(StatusCodes.OK, putWrite(JsonResponses.object(), result, status))
        .addHeader(ETag.create(EntityTag.create(result.version(), false)));
  }

  /** A write's fields, as PUT and DELETE answer them and a batch lists them. */
  static ObjectNode putWrite(ObjectNode body, WriteResult result, String status) {
    body.put("key", result.key()).put("version", result.version()).put("timestamp", result.timestamp()).put("status", status);
    if (result.expiresAtMillis() != 0) {
      body.put("expires_at", result.expiresAtMillis());
    }
    return body;
  }

  private static HttpResponse versionsResponse(String key, List<KvVersion> versions) {
    ObjectNode body = JsonResponses.object().put("key", key);
    ArrayNode list = body.putArray("versions");
    for (KvVersion version : versions) {
      ObjectNode item =
          list.addObject()
              .put("version", version.version())
              .put("timestamp", version.timestamp())
              .put("kind", version.kind().name().toLowerCase(java.util.Locale.ROOT));
      if (version.kind() == KvVersion.Kind.WRITE) {
        item.put("value", Base64.getEncoder().encodeToString(version.value()));
      }
      if (version.expiresAtMillis() != 0) {
        item.put("expires_at", version.expiresAtMillis());
      }
    }
    return JsonResponses.json(StatusCodes.OK, body);
  }

  private HttpResponse errorResponse(Throwable failure, String key) {
    Throwable cause = Stages.cause(failure);
    if (cause instanceof KvStoreException known) {
      return JsonResponses.fromException(known, key);
    }
    if (cause instanceof EntityStreamSizeException) {
      return JsonResponses.fromException(
          new PayloadTooLargeException(
              ErrorCode.VALUE_TOO_LARGE,
              "value is larger than the limit of " + limits.maxValueBytes() + " bytes",
              limits.maxValueBytes()),
          key);
    }
    if (cause instanceof TimeoutException) {
      return JsonResponses.error(ErrorCode.REQUEST_TIMEOUT,
          "the request body did not arrive within " + bodyReadTimeout.toMillis() + " ms");
    }
    system.log().error("unexpected failure serving key " + key, cause);
    return JsonResponses.error(ErrorCode.INTERNAL_ERROR, String.valueOf(cause.getMessage()));
  }
}
