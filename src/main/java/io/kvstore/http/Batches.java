package io.kvstore.http;

import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.StatusCodes;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kvstore.Stages;
import io.kvstore.api.Consistency;
import io.kvstore.api.ErrorCode;
import io.kvstore.api.InvalidRequestException;
import io.kvstore.api.KvStore;
import io.kvstore.api.KvStoreException;
import io.kvstore.api.WriteOptions;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * {@code POST /api/v1/batch/get} and {@code /batch/put}: many keys in one request, each item run
 * on its own and in parallel (each through its key's owner, as a single request is), each with
 * its own outcome. A batch is not atomic: one item's failure leaves the others as they went.
 */
final class Batches {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final KvStore store;
  private final int maxItems;

  Batches(KvStore store, int maxItems) {
    this.store = store;
    this.maxItems = maxItems;
  }

  /**
   * {@code {"keys": ["a", "b"]}} → {@code {"items": [entry or error, …]}}, in request order; read
   * at LINEARIZABLE unless the request names a level, as a single GET.
   */
  CompletableFuture<HttpResponse> get(byte[] body, Consistency consistency) {
    List<JsonNode> keys = items(body, "keys");
    Consistency level = consistency == null ? Consistency.LINEARIZABLE : consistency;
    return run(
        keys,
        key -> {
          String name = textOf(key, "each of \"keys\" must be a string");
          return Stages.direct(store.get(name, level))
              .thenApply(
                  found ->
                      found
                          .map(entry -> HttpApi.putEntry(JsonResponses.object(), entry))
                          .orElseGet(() -> JsonResponses.errorBody(ErrorCode.NOT_FOUND, "no value for the key").put("key", name)));
        });
  }

  /**
   * {@code {"items": [{"key", "value" (base64), "ttl"?, "if_match"?, "if_none_match"?}, …]}} →
   * {@code {"items": [write result or error, …]}}, in request order.
   */
  CompletableFuture<HttpResponse> put(byte[] body, Consistency consistency) {
    List<JsonNode> items = items(body, "items");
    return run(
        items,
        item -> {
          if (!item.isObject()) {
            throw new InvalidRequestException(ErrorCode.INVALID_BODY, "each of \"items\" must be an object");
          }
          String key = textOf(item.path("key"), "an item's \"key\" must be a string");
          byte[] value;
          try {
            value = Base64.getDecoder().decode(textOf(item.path("value"), "an item's \"value\" must be base64 text"));
          } catch (IllegalArgumentException e) {
            throw new InvalidRequestException(ErrorCode.INVALID_BODY, "an item's \"value\" must be base64 text: " + e.getMessage());
          }
          return Stages.direct(store.put(key, value, options(item, consistency)))
              .thenApply(written -> HttpApi.putWrite(JsonResponses.object(), written, "ok"));
        });
  }

  private static WriteOptions options(JsonNode item, Consistency consistency) {
    WriteOptions options = WriteOptions.defaults();
    if (consistency != null) {
      options = options.withConsistency(consistency);
    }
    JsonNode ttl = item.path("ttl");
    if (!ttl.isMissingNode()) {
      if (!ttl.canConvertToLong() || !ttl.isIntegralNumber() || ttl.asLong() < 1 || ttl.asLong() > Integer.MAX_VALUE) {
        throw new InvalidRequestException(ErrorCode.INVALID_TTL, "an item's \"ttl\" must be whole seconds from 1 to " + Integer.MAX_VALUE);
      }
      options = options.withTtl(Duration.ofSeconds(ttl.asLong()));
    }
    JsonNode ifMatch = item.path("if_match");
    JsonNode ifNoneMatch = item.path("if_none_match");
    if (!ifMatch.isMissingNode() && !ifNoneMatch.isMissingNode()) {
      throw new InvalidRequestException(ErrorCode.INVALID_HEADER, "give \"if_match\" or \"if_none_match\", not both");
    }
    if (!ifMatch.isMissingNode()) {
      options = options.onlyIfVersionIn(EntityTags.parseIfMatch(textOf(ifMatch, "\"if_match\" must be a string, as the If-Match header")));
    }
    if (!ifNoneMatch.isMissingNode()) {
      if (!ifNoneMatch.asText().equals("*")) {
        throw new InvalidRequestException(ErrorCode.INVALID_HEADER, "\"if_none_match\" can only be \"*\" (create only)");
      }
      options = options.onlyIfAbsent();
    }
    return options;
  }

  private List<JsonNode> items(byte[] body, String field) {
    JsonNode json;
    try {
      json = MAPPER.readTree(body);
    } catch (IOException e) {
      throw new InvalidRequestException(ErrorCode.MALFORMED_JSON, "the body is not valid JSON");
    }
    if (json == null || !json.path(field).isArray()) {
      throw new InvalidRequestException(ErrorCode.INVALID_BODY, "expected {\"" + field + "\": [...]}");
    }
    if (json.get(field).size() > maxItems) {
      throw new InvalidRequestException(
          ErrorCode.BATCH_TOO_LARGE, "a batch takes at most " + maxItems + " items, was " + json.get(field).size());
    }
    List<JsonNode> items = new ArrayList<>();
    json.get(field).forEach(items::add);
    return items;
  }

  private static String textOf(JsonNode node, String otherwise) {
    if (!node.isTextual()) {
      throw new InvalidRequestException(ErrorCode.INVALID_BODY, otherwise);
    }
    return node.asText();
  }

  /** Every item at once; an item that fails answers with its error, as a single request would. */
  private static CompletableFuture<HttpResponse> run(List<JsonNode> items, Function<JsonNode, CompletableFuture<ObjectNode>> each) {
    List<CompletableFuture<ObjectNode>> results = new ArrayList<>();
    for (JsonNode item : items) {
      CompletableFuture<ObjectNode> result;
      try {
        result = each.apply(item);
      } catch (RuntimeException e) {
        result = CompletableFuture.failedFuture(e);
      }
      String key = item.isTextual() ? item.asText() : item.path("key").isTextual() ? item.path("key").asText() : null;
      results.add(result.exceptionally(failure -> itemError(failure, key)));
    }
    return CompletableFuture.allOf(results.toArray(CompletableFuture[]::new))
        .thenApply(
            done -> {
              ObjectNode body = JsonResponses.object();
              ArrayNode list = body.putArray("items");
              results.forEach(result -> list.add(result.join()));
              return JsonResponses.json(StatusCodes.OK, body);
            });
  }

  private static ObjectNode itemError(Throwable failure, String key) {
    Throwable cause = Stages.cause(failure);
    if (cause instanceof KvStoreException known) {
      return JsonResponses.errorFields(known, key);
    }
    ObjectNode error = JsonResponses.errorBody(ErrorCode.INTERNAL_ERROR, String.valueOf(cause.getMessage()));
    return key == null ? error : error.put("key", key);
  }
}
