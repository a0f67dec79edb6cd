package io.leveret.server.management;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.Map;

/**
 * What a handler answers: a status, a JSON body or none, and extra headers (Location, …).
 *
 * @param body null for an empty body (201 and 204 answers carry none, as RabbitMQ's)
 */
public record ApiResponse(HttpResponseStatus status, JsonNode body, Map<String, String> headers) {
    public ApiResponse {
        headers = Map.copyOf(headers);
    }

    public static ApiResponse ok(JsonNode body) {
        return new ApiResponse(HttpResponseStatus.OK, body, Map.of());
    }

    public static ApiResponse created() {
        return new ApiResponse(HttpResponseStatus.CREATED, null, Map.of());
    }

    public static ApiResponse noContent() {
        return new ApiResponse(HttpResponseStatus.NO_CONTENT, null, Map.of());
    }
}
