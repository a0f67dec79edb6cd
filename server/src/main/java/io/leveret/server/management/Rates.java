package io.leveret.server.management;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.leveret.server.stats.SampleRange;
import io.leveret.server.stats.Statistics;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.Map;

/**
 * What {@link Statistics} answers, put into the API's rows as RabbitMQ's management
 * API shows it: {@code message_stats} only when something has moved, and the sampled {@code *_details} next to
 * the counts the row reads live.
 */
final class Rates {
    private Rates() {
    }

    /**
     * The request's {@code msg_rates_age}/{@code msg_rates_incr}/{@code lengths_age}/{@code lengths_incr}; a bad
     * range is a 400 {@code bad_request}, as RabbitMQ answers for one object, the overview, connections and
     * channels.
     */
    static SampleRange range(ApiRequest req) {
        return range(req, "bad_request");
    }

    /** As {@link #range(ApiRequest)} for the paginated lists (queues, exchanges, vhosts): 400 {@code invalid_range_parameters}. */
    static SampleRange listRange(ApiRequest req) {
        return range(req, "invalid_range_parameters");
    }

    private static SampleRange range(ApiRequest req, String error) {
        try {
            return SampleRange.fromQuery(req.query());
        } catch (IllegalArgumentException e) {
            throw new ApiException(HttpResponseStatus.BAD_REQUEST, error, e.getMessage());
        }
    }

    /** {@code stats} as the row's {@code message_stats}, unless there is nothing to show. */
    static void messageStats(ObjectNode row, Map<String, Object> stats) {
        if (!stats.isEmpty()) {
            row.set("message_stats", Json.MAPPER.valueToTree(stats));
        }
    }

    /** The map under {@code key} in one of Statistics' answers, or an empty one. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> part(Map<String, Object> answer, String key) {
        return (Map<String, Object>) answer.getOrDefault(key, Map.of());
    }

    /** Each of {@code fields} the row does not have yet: a count the row read live stays as it is. */
    static void addMissing(ObjectNode row, Map<String, Object> fields) {
        fields.forEach((key, value) -> {
            if (!row.has(key)) {
                row.set(key, Json.MAPPER.valueToTree(value));
            }
        });
    }
}
