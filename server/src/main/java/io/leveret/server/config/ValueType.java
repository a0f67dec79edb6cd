package io.leveret.server.config;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How one setting's text becomes a typed value. {@code expected} finishes the sentence
 * "bad value 'x' for key 'k' in SOURCE: expected ..." and the parser throws
 * {@link IllegalArgumentException} for any text it does not accept.
 */
record ValueType<T>(String expected, Function<String, T> parser) {

    /** 2^10 based, as RabbitMQ's "bytesize" values: {@code 128KB}, {@code 16MB}, {@code 1GB}. */
    private static final Pattern SIZE = Pattern.compile("(\\d{1,19})\\s*(kb|mb|gb)?", Pattern.CASE_INSENSITIVE);
    private static final Pattern DIGITS = Pattern.compile("[+-]?\\d{1,19}");
    private static final Pattern MEMBER_HOST = Pattern.compile("[^\\s\\[\\]]+");
    /** RabbitMQ's node names: {@code NAME@HOST}, neither part empty nor holding white space or another '@'. */
    private static final Pattern NODE_NAME = Pattern.compile("[A-Za-z0-9_.-]+@[^\\s@\\[\\]]+");

    T parse(String text) {
        return parser.apply(text);
    }

    static ValueType<Integer> integer(int min, int max) {
        return new ValueType<>("an integer " + min + ".." + max,
                text -> (int) inRange(parseLong(text), min, max));
    }

    static ValueType<Long> size(long min, long max) {
        return new ValueType<>("a size in bytes " + min + ".." + max + " (or with a unit: KB, MB, GB)",
                text -> inRange(parseSize(text), min, max));
    }

    /** AMQP 0-9-1 section 4.2.3: frame_max 0 means "no limit", otherwise at least frame-min-size (4096). */
    static ValueType<Integer> frameMax() {
        return new ValueType<>("0 (no limit) or a size in bytes 4096.." + Integer.MAX_VALUE
                + " (or with a unit: KB, MB, GB)",
                text -> {
                    long size = parseSize(text);
                    return size == 0 ? 0 : (int) inRange(size, 4096, Integer.MAX_VALUE);
                });
    }

    /** RabbitMQ accepts {@code infinity}; the longest wait an int of milliseconds holds is as good. */
    static ValueType<Integer> millisOrInfinity() {
        return new ValueType<>("an integer 1.." + Integer.MAX_VALUE + " (milliseconds) or 'infinity'",
                text -> text.equals("infinity")
                        ? Integer.MAX_VALUE
                        : (int) inRange(parseLong(text), 1, Integer.MAX_VALUE));
    }

    static ValueType<String> nonEmptyText() {
        return new ValueType<>("a non-empty string", text -> {
            if (text.isEmpty()) {
                throw new IllegalArgumentException();
            }
            return text;
        });
    }

    static ValueType<String> anyText() {
        return new ValueType<>("a string", text -> text);
    }

    static ValueType<Path> path() {
        return new ValueType<>("a file system path", text -> {
            if (text.isEmpty()) {
                throw new IllegalArgumentException();
            }
            return toPath(text);
        });
    }

    /** Empty text leaves the setting unset, so an override can switch off a value set in the file. */
    static ValueType<Optional<Path>> optionalPath() {
        return new ValueType<>("a file system path, or nothing to leave it unset",
                text -> text.isEmpty() ? Optional.empty() : Optional.of(toPath(text)));
    }

    /** As RabbitMQ's listeners.tcp.$name: a port, or host:port, with IPv6 hosts optionally in brackets. */
    static ValueType<Listener> listener() {
        return new ValueType<>("a port 0..65535, or host:port such as 127.0.0.1:5672 or [::1]:5672",
                ValueType::parseListener);
    }

    private static Listener parseListener(String text) {
        if (DIGITS.matcher(text).matches()) {
            return Listener.allInterfaces((int) inRange(parseLong(text), 0, 65535));
        }
        int colon = text.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException();
        }
        String host = text.substring(0, colon);
        String port = text.substring(colon + 1);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        if (!MEMBER_HOST.matcher(host).matches() || !DIGITS.matcher(port).matches()) {
            throw new IllegalArgumentException();
        }
        return new Listener(host, (int) inRange(parseLong(port), 0, 65535));
    }

    static ValueType<Boolean> bool() {
        return new ValueType<>("true or false", text -> switch (text) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException();
        });
    }

    /** One of a fixed set of words, as RabbitMQ's enum values. */
    static ValueType<String> oneOf(String... words) {
        java.util.List<String> list = java.util.List.of(words);
        return new ValueType<>("one of " + String.join(", ", list), text -> {
            if (!list.contains(text)) {
                throw new IllegalArgumentException();
            }
            return text;
        });
    }

    /** A fraction such as RabbitMQ's vm_memory_high_watermark.relative; empty text leaves it unset. */
    static ValueType<java.util.OptionalDouble> optionalFraction(double min, double max) {
        return new ValueType<>("a number " + min + ".." + max + ", or nothing to leave it unset", text -> {
            if (text.isEmpty()) {
                return java.util.OptionalDouble.empty();
            }
            if (!text.matches("\\d{1,9}(\\.\\d{1,9})?|\\.\\d{1,9}")) {
                throw new IllegalArgumentException();
            }
            double d = Double.parseDouble(text);
            if (d < min || d > max) {
                throw new IllegalArgumentException();
            }
            return java.util.OptionalDouble.of(d);
        });
    }

    /** A size in bytes (with an optional unit); empty text leaves it unset. */
    static ValueType<java.util.OptionalLong> optionalSize() {
        return new ValueType<>("a size in bytes (or with a unit: KB, MB, GB), or nothing to leave it unset",
                text -> text.isEmpty() ? java.util.OptionalLong.empty() : java.util.OptionalLong.of(parseSize(text)));
    }

    /** RabbitMQ's connection_max: a count or {@code infinity}. */
    static ValueType<Integer> countOrInfinity() {
        return new ValueType<>("an integer 0.." + Integer.MAX_VALUE + " or 'infinity'",
                text -> text.equals("infinity")
                        ? Integer.MAX_VALUE
                        : (int) inRange(parseLong(text), 0, Integer.MAX_VALUE));
    }

    /** A TLS listener like listeners.tcp's; empty text means no listener. */
    static ValueType<Optional<Listener>> optionalListener() {
        return new ValueType<>("a port 0..65535, or host:port, or nothing for no TLS listener",
                text -> text.isEmpty() ? Optional.empty() : Optional.of(parseListener(text)));
    }

    /** A node name {@code NAME@HOST} (as in classic_config.nodes); empty text means no node. */
    static ValueType<Optional<String>> optionalNodeName() {
        return new ValueType<>("a node name such as leveret@host1 (NAME@HOST), or nothing for no node", text -> {
            if (text.isEmpty()) {
                return Optional.empty();
            }
            if (!NODE_NAME.matcher(text).matches()) {
                throw new IllegalArgumentException();
            }
            return Optional.of(text);
        });
    }

    /**
     * This node's name: {@code NAME@HOST}, or a bare {@code NAME} that gets {@code @HOSTNAME} as RabbitMQ's
     * RABBITMQ_NODENAME does, or nothing for {@code leveret@HOSTNAME}.
     */
    static ValueType<String> nodeName(String hostName) {
        return new ValueType<>("a node name NAME@HOST or NAME (then @" + hostName + " is added), or nothing for leveret@"
                + hostName, text -> {
                    String name = text.isEmpty() ? "leveret" : text;
                    String full = name.contains("@") ? name : name + "@" + hostName;
                    if (!NODE_NAME.matcher(full).matches()) {
                        throw new IllegalArgumentException();
                    }
                    return full;
                });
    }

    /** An IP address to bind, IPv4 or IPv6, without a port; empty text means every interface. */
    static ValueType<String> ipAddressOrEmpty() {
        return new ValueType<>("an IP address such as 127.0.0.2 or ::1, or nothing for every interface", text -> {
            if (text.isEmpty()) {
                return text;
            }
            boolean v4 = text.matches("(\\d{1,3}\\.){3}\\d{1,3}")
                    && java.util.Arrays.stream(text.split("\\.")).allMatch(p -> Integer.parseInt(p) <= 255);
            boolean v6 = text.contains(":") && text.matches("[0-9A-Fa-f:.]+");
            if (!v4 && !v6) {
                throw new IllegalArgumentException();
            }
            return text;
        });
    }

    private static long parseLong(String text) {
        if (!DIGITS.matcher(text).matches()) {
            throw new IllegalArgumentException();
        }
        return Long.parseLong(text);
    }

    private static long parseSize(String text) {
        Matcher m = SIZE.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException();
        }
        long number = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "" : m.group(2).toLowerCase(Locale.ROOT);
        int shift = switch (unit) {
            case "kb" -> 10;
            case "mb" -> 20;
            case "gb" -> 30;
            default -> 0;
        };
        if (number > (Long.MAX_VALUE >> shift)) {
            throw new IllegalArgumentException();
        }
        return number << shift;
    }

    private static long inRange(long value, long min, long max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException();
        }
        return value;
    }

    private static Path toPath(String text) {
        try {
            return Path.of(text);
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
