package io.kvstore.http;

import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.StatusCode;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kvstore.api.ErrorCode;
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

  static ObjectNode errorBody(ErrorCode error, String message) {
    return object().put("error", error.code()).put("message", message);
  }

  /** An error with the status {@link HttpErrors} gives its code. */
  static HttpResponse error(ErrorCode error, String message) {
    return error(error, errorBody(error, message));
  }

  static HttpResponse error(ErrorCode error, ObjectNode body) {
    return json(HttpErrors.status(error), body);
  }

  static HttpResponse notFound(String key) {
    return error(ErrorCode.NOT_FOUND, errorBody(ErrorCode.NOT_FOUND, "no value for the key").put("key", key));
  }

  /** kvstore's exceptions as error responses, with the status their code has. */
  static HttpResponse fromException(KvStoreException e, String key) {
    return error(e.code(), errorFields(e, key));
  }

  /** An exception's error body: its code and message, the key, and the fields each kind adds. */
  static ObjectNode errorFields(KvStoreException e, String key) {
    ObjectNode body = errorBody(e.code(), e.getMessage());
    if (key != null) {
      body.put("key", key);
    }
    if (e instanceof PayloadTooLargeException tooLarge) {
      body.put("limit_bytes", tooLarge.limitBytes());
    } else if (e instanceof VersionConflictException conflict) {
      body.put("current_version", conflict.currentVersion().orElse(null));
    } else if (e instanceof UnavailableException unavailable) {
      body.put("may_have_been_applied", unavailable.mayHaveBeenApplied());
    }
    return body;
  }
}
