package io.leveret.server.management;

import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * A request the API refuses, answered with RabbitMQ's body {@code {"error":…,"reason":…}} and status.
 * Only {@link HttpHandler} catches it.
 */
public class ApiException extends RuntimeException {
    private final HttpResponseStatus status;
    private final String error;
    private final com.fasterxml.jackson.databind.JsonNode reasonJson;

    public ApiException(HttpResponseStatus status, String error, String reason) {
        super(reason, null, false, false);
        this.status = status;
        this.error = error;
        this.reasonJson = null;
    }

    /** A reason that RabbitMQ sends as a JSON value other than a string (an Erlang tuple as a list). */
    public ApiException(HttpResponseStatus status, String error, com.fasterxml.jackson.databind.JsonNode reason) {
        super(reason.toString(), null, false, false);
        this.status = status;
        this.error = error;
        this.reasonJson = reason;
    }

    /** The reason as the body carries it. */
    public com.fasterxml.jackson.databind.JsonNode reasonJson() {
        return reasonJson != null ? reasonJson
                : com.fasterxml.jackson.databind.node.TextNode.valueOf(getMessage());
    }

    public HttpResponseStatus status() {
        return status;
    }

    public String error() {
        return error;
    }

    public String reason() {
        return getMessage();
    }

    /** RabbitMQ's answer for a path naming something that is not there. */
    public static ApiException notFound() {
        return new ApiException(HttpResponseStatus.NOT_FOUND, "Object Not Found", "Not Found");
    }

    public static ApiException badRequest(String reason) {
        return new ApiException(HttpResponseStatus.BAD_REQUEST, "bad_request", reason);
    }

    public static ApiException notAuthorised(String reason) {
        return new ApiException(HttpResponseStatus.UNAUTHORIZED, "not_authorized", reason);
    }
}
