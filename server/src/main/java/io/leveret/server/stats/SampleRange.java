package io.leveret.server.stats;

import java.util.Map;

/**
 * The management API's sample range parameters: {@code msg_rates_age}/{@code msg_rates_incr} for the
 * counters and {@code lengths_age}/{@code lengths_incr} for queue lengths, in seconds on the wire and
 * milliseconds here; 0 when not asked for, and then {@code *_details} holds only {@code rate}.
 */
public record SampleRange(long msgRatesAgeMillis, long msgRatesIncrMillis, long lengthsAgeMillis,
                          long lengthsIncrMillis) {
    public static final SampleRange NONE = new SampleRange(0, 0, 0, 0);

    public SampleRange {
        if (msgRatesAgeMillis < 0 || msgRatesIncrMillis < 0 || lengthsAgeMillis < 0 || lengthsIncrMillis < 0) {
            throw new IllegalArgumentException("sample ages and increments must not be negative");
        }
    }

    /**
     * From an HTTP query's parameters (seconds); an age without its increment, or the reverse, counts as not
     * asked for. A value that is not a whole number of seconds throws {@link IllegalArgumentException}.
     */
    public static SampleRange fromQuery(Map<String, String> query) {
        long msgAge = seconds(query, "msg_rates_age");
        long msgIncr = seconds(query, "msg_rates_incr");
        long lenAge = seconds(query, "lengths_age");
        long lenIncr = seconds(query, "lengths_incr");
        return new SampleRange(msgIncr > 0 ? msgAge : 0, msgAge > 0 ? msgIncr : 0,
                lenIncr > 0 ? lenAge : 0, lenAge > 0 ? lenIncr : 0);
    }

    private static long seconds(Map<String, String> query, String key) {
        String v = query.get(key);
        if (v == null || v.isEmpty()) {
            return 0;
        }
        try {
            long s = Long.parseLong(v);
            if (s < 0 || s > 366L * 24 * 3600) {
                throw new IllegalArgumentException(key + " out of range: " + v);
            }
            return s * 1000;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " is not a number: " + v, e);
        }
    }
}
