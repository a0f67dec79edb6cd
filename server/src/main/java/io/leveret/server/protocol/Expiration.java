package io.leveret.server.protocol;

/** The per-message {@code expiration} property, validated as RabbitMQ's rabbit_basic:parse_expiration does. */
final class Expiration {
    /** RabbitMQ's largest timer: 2^32 - 1 milliseconds. */
    static final long MAX = 4294967295L;

    private Expiration() {
    }

    /** Returns null if {@code expiration} is absent or valid, else RabbitMQ's reason, as it prints it. */
    static String check(String expiration) {
        if (expiration == null) {
            return null;
        }
        // Erlang's string:to_integer: an optional sign, then digits; whatever follows is "leftover".
        int i = 0;
        int n = expiration.length();
        if (i < n && (expiration.charAt(i) == '+' || expiration.charAt(i) == '-')) {
            i++;
        }
        int digitsStart = i;
        while (i < n && Character.isDigit(expiration.charAt(i)) && expiration.charAt(i) < 128) {
            i++;
        }
        if (i == digitsStart) {
            return "no_integer";
        }
        String number = expiration.substring(0, i);
        if (i < n) {
            return "{leftover_string,\"" + expiration.substring(i) + "\"}";
        }
        java.math.BigInteger v = new java.math.BigInteger(number.startsWith("+") ? number.substring(1) : number);
        if (v.signum() < 0) {
            return "{value_negative," + v + "}";
        }
        if (v.compareTo(java.math.BigInteger.valueOf(MAX)) > 0) {
            return "{value_too_large," + v + "}";
        }
        return null;
    }
}
