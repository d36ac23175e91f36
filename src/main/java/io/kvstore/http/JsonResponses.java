package io.kvstore.http;

import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.StatusCode;
import akka.http.javadsl.model.StatusCodes;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kvstore.api.InvalidRequestException;
import io.kvstore.api.KvStoreException;
import io.kvstore.api.PayloadTooLargeException;
import io.kvstore.api.UnavailableException;
import io.kvstore.api.VersionConflictException;

/** Every JSON body the HTTP API sends, errors included: {@code {error, message, ...}}. */
final class JsonResponses {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private JsonResponses() {}

  static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  static HttpResponse json(StatusCode status, ObjectNode body) {
    try {
      return HttpResponse.create()
          .withStatus(status)
          .withEntity(ContentTypes.APPLICATION_JSON, MAPPER.writeValueAsBytes(body));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot render JSON", e);
    }
  }

  static ObjectNode errorBody(String error, String message) {
    return object().put("error", error).put("message", message);
  }

  static HttpResponse error(StatusCode status, String error, String message) {
    return json(status, errorBody(error, message));
  }

  static HttpResponse notFound(String key) {
    return json(StatusCodes.NOT_FOUND, errorBody("not_found", "no value for the key").put("key", key));
  }

  /** The one mapping from kvstore's exceptions to HTTP statuses and bodies. */
  static HttpResponse fromException(KvStoreException e, String key) {
    ObjectNode body = errorBody(e.code(), e.getMessage());
    if (key != null) {
      body.put("key", key);
    }
    if (e instanceof InvalidRequestException) {
      return json(StatusCodes.BAD_REQUEST, body);
    }
    if (e instanceof PayloadTooLargeException tooLarge) {
      return json(StatusCodes.CONTENT_TOO_LARGE, body.put("limit_bytes", tooLarge.limitBytes()));
    }
    if (e instanceof VersionConflictException conflict) {
      body.put("current_version", conflict.currentVersion().orElse(null));
      return json(StatusCodes.CONFLICT, body);
    }
    if (e instanceof UnavailableException unavailable) {
      return json(
          StatusCodes.SERVICE_UNAVAILABLE,
          body.put("may_have_been_applied", unavailable.mayHaveBeenApplied()));
    }
    return json(StatusCodes.INTERNAL_SERVER_ERROR, body);
  }
}
