package io.leveret.server.management;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;

/** The API's JSON: one shared mapper, and RabbitMQ's leniency about how clients spell values. */
public final class Json {
    public static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private Json() {
    }

    public static ObjectNode object() {
        return NODES.objectNode();
    }

    public static ArrayNode array() {
        return NODES.arrayNode();
    }

    /** A request body as RabbitMQ reads it: empty is {}, anything but a JSON object is 400 not_json. */
    static JsonNode parseBody(byte[] body) {
        if (body.length == 0) {
            return object();
        }
        try {
            JsonNode node = MAPPER.readTree(body);
            if (node == null || node.isMissingNode()) {
                return object();
            }
            if (!node.isObject()) {
                throw ApiException.badRequest("not_json");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest("not_json");
        } catch (IOException e) {
            throw ApiException.badRequest("not_json");
        }
    }

    /**
     * A boolean field: JSON true/false or the strings "true"/"false" (rabbitmqadmin and forms send strings);
     * absent is {@code absent}.
     */
    public static boolean bool(JsonNode body, String field, boolean absent) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return absent;
        }
        if (v.isBoolean()) {
            return v.booleanValue();
        }
        if (v.isTextual() && (v.textValue().equals("true") || v.textValue().equals("false"))) {
            return v.textValue().equals("true");
        }
        // RabbitMQ's reason is the Erlang tuple {not_boolean, Value}, which its JSON encoder turns into a list.
        throw new ApiException(io.netty.handler.codec.http.HttpResponseStatus.BAD_REQUEST, "bad_request",
                array().add("not_boolean").add(v.isTextual() ? v.textValue() : v.toString()));
    }

    /** An integer field given as a JSON number or a numeric string; absent is {@code absent}. */
    public static long integer(JsonNode body, String field, long absent) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return absent;
        }
        if (v.isIntegralNumber()) {
            return v.longValue();
        }
        if (v.isTextual()) {
            try {
                return Long.parseLong(v.textValue().strip());
            } catch (NumberFormatException e) {
                throw ApiException.badRequest(field + " should be a number, got " + v.textValue());
            }
        }
        throw ApiException.badRequest(field + " should be a number");
    }

    /** A text field; absent is {@code absent}; numbers and booleans are taken as their text. */
    public static String text(JsonNode body, String field, String absent) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return absent;
        }
        if (v.isValueNode()) {
            return v.asText();
        }
        throw ApiException.badRequest(field + " should be a string");
    }
}
