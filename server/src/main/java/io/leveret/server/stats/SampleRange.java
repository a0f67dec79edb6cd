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

    /** RabbitMQ's most samples per range: an age over this many increments is refused. */
    static final long MAX_SAMPLES = 500;

    /**
     * From an HTTP query's parameters (seconds), as RabbitMQ's management API reads them: a value that is not
     * a whole number counts as not given, and an age without its increment (or the reverse) as not asked for.
     * Both given but an age or increment under 1, or more than {@link #MAX_SAMPLES} increments in the age,
     * throws {@link IllegalArgumentException} with RabbitMQ's reason ({@code Invalid range parameters: age 0,
     * incr 5}).
     */
    public static SampleRange fromQuery(Map<String, String> query) {
        long[] msg = pair(query, "msg_rates_age", "msg_rates_incr");
        long[] len = pair(query, "lengths_age", "lengths_incr");
        return new SampleRange(msg[0] * 1000, msg[1] * 1000, len[0] * 1000, len[1] * 1000);
    }

    /** {age, incr} in seconds, or {0, 0} when not both are given. */
    private static long[] pair(Map<String, String> query, String ageKey, String incrKey) {
        Long age = wholeNumber(query.get(ageKey));
        Long incr = wholeNumber(query.get(incrKey));
        if (age == null || incr == null) {
            return new long[2];
        }
        if (age <= 0 || incr <= 0 || age / incr > MAX_SAMPLES) {
            throw new IllegalArgumentException("Invalid range parameters: age " + age + ", incr " + incr);
        }
        return new long[] {age, incr};
    }

    private static Long wholeNumber(String v) {
        if (v == null) {
            return null;
        }
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
