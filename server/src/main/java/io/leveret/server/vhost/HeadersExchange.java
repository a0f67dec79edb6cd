package io.leveret.server.vhost;

import io.leveret.codec.FieldTable;
import io.leveret.codec.FieldValue;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Routes by message headers against each binding's arguments, as RabbitMQ does: {@code x-match} is
 * {@code all} (the default), {@code any}, {@code all-with-x} or {@code any-with-x}; binding arguments that
 * start with {@code x-} take part only in the {@code -with-x} forms; a void binding value means "present".
 */
public final class HeadersExchange extends Exchange {
    private volatile List<Binding> snapshot = List.of();

    HeadersExchange(String name, boolean durable, boolean autoDelete, boolean internal, FieldTable arguments) {
        super(name, durable, autoDelete, internal, arguments);
    }

    @Override
    public String type() {
        return "headers";
    }

    @Override
    protected void route(Message message, String routingKey, Set<Destination> out) {
        FieldTable headers = message.properties().headers();
        if (headers == null) {
            headers = FieldTable.EMPTY;
        }
        for (Binding b : snapshot) {
            if (!out.contains(b.destination()) && matches(b.arguments(), headers)) {
                out.add(b.destination());
            }
        }
    }

    @Override
    protected void rebuild(List<Binding> current) {
        snapshot = current;
    }

    static boolean matches(FieldTable args, FieldTable headers) {
        Object mode = args.get("x-match");
        String m = mode == null ? "all" : mode.toString();
        boolean any = m.equals("any") || m.equals("any-with-x");
        boolean withX = m.endsWith("-with-x");
        for (Map.Entry<String, FieldValue> e : args.entries().entrySet()) {
            String k = e.getKey();
            if (k.startsWith("x-") && (!withX || k.equals("x-match"))) {
                continue;
            }
            FieldValue h = headers.field(k);
            boolean ok = h != null && (e.getValue().type() == 'V' || sameValue(e.getValue(), h));
            if (any && ok) {
                return true;
            }
            if (!any && !ok) {
                return false;
            }
        }
        // all: every candidate matched (no candidates at all matches too, as in RabbitMQ); any: none did.
        return !any;
    }

    /** As Erlang's {@code ==}: numbers compare by value across integer and float types; the rest exactly. */
    private static boolean sameValue(FieldValue a, FieldValue b) {
        if (isNumber(a) && isNumber(b)) {
            if (a.isInteger() && b.isInteger()) {
                return a.longValue() == b.longValue();
            }
            return ((Number) a.value()).doubleValue() == ((Number) b.value()).doubleValue();
        }
        return a.value() == null ? b.value() == null : a.value().equals(b.value());
    }

    private static boolean isNumber(FieldValue v) {
        return v.isInteger() || v.type() == 'f' || v.type() == 'd';
    }
}
