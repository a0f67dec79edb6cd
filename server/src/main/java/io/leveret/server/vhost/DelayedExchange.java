package io.leveret.server.vhost;

import io.leveret.codec.FieldTable;
import io.leveret.codec.FieldValue;
import java.math.BigDecimal;
import java.util.List;
import java.util.Set;

/**
 * The {@code x-delayed-message} exchange type of RabbitMQ's delayed message exchange plugin: it routes as
 * the type its {@code x-delayed-type} argument names (direct, fanout, topic or headers), but a message with a
 * positive {@code x-delay} header (milliseconds) first waits that long in {@link DelayedMessages}, then is
 * routed with {@code x-delay} negated, as the plugin does. Bindings are this exchange's own; the routing
 * snapshot is the inner type's.
 */
public final class DelayedExchange extends Exchange {
    public static final String TYPE = "x-delayed-message";
    /** The declare argument naming the routing type. */
    public static final String DELAYED_TYPE = "x-delayed-type";
    /** The message header with the delay in milliseconds. */
    public static final String DELAY = "x-delay";

    private final Exchange routing;
    /** Set once by the virtual host right after creation. */
    private volatile DelayedMessages waiting;

    DelayedExchange(String name, boolean durable, boolean autoDelete, boolean internal, FieldTable arguments,
                    Exchange routing) {
        super(name, durable, autoDelete, internal, arguments);
        this.routing = routing;
    }

    /**
     * The routing type {@code arguments} name, or null unless x-delayed-type is a string naming one of the
     * types we route by (the plugin's validate: anything else is a 406 for the caller to raise).
     */
    public static String routingType(FieldTable arguments) {
        FieldValue v = arguments.field(DELAYED_TYPE);
        if (v == null || v.type() != 'S') {
            return null;
        }
        String type = v.stringValue();
        return switch (type) {
            case "direct", "fanout", "topic", "headers" -> type;
            default -> null;
        };
    }

    @Override
    public String type() {
        return TYPE;
    }

    /** The exchange that does the routing, by x-delayed-type. */
    public Exchange routing() {
        return routing;
    }

    public DelayedMessages waiting() {
        return waiting;
    }

    void attach(DelayedMessages messages) {
        this.waiting = messages;
    }

    @Override
    protected void route(Message message, String routingKey, Set<Destination> out) {
        routing.route(message, routingKey, out);
    }

    @Override
    protected void rebuild(List<Binding> current) {
        routing.rebuild(current);
    }

    /**
     * The delay {@code m} asks for, in milliseconds; 0 or less means none. As the plugin reads x-delay:
     * integers as they are, strings parsed as integers, floats and decimals truncated; other types, and
     * strings that are not integers (the plugin fails on those), mean no delay.
     */
    public static long delayOf(Message m) {
        FieldTable headers = m.properties().headers();
        if (headers == null) {
            return 0;
        }
        FieldValue v = headers.field(DELAY);
        if (v == null) {
            return 0;
        }
        if (v.isInteger()) {
            return v.longValue();
        }
        try {
            switch (v.type()) {
                case 'f', 'd':
                    return (long) ((Number) v.value()).doubleValue();
                case 'D':
                    return ((BigDecimal) v.value()).longValue();
                case 'S':
                    return Long.parseLong(v.stringValue());
                default:
                    return 0;
            }
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
