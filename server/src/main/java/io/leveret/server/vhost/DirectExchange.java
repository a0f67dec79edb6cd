package io.leveret.server.vhost;

import io.leveret.codec.FieldTable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Routes to the destinations bound with exactly the message's routing key: one hash lookup per publish. */
public final class DirectExchange extends Exchange {
    private volatile Map<String, List<Destination>> byKey = Map.of();

    DirectExchange(String name, boolean durable, boolean autoDelete, boolean internal, FieldTable arguments) {
        super(name, durable, autoDelete, internal, arguments);
    }

    @Override
    public String type() {
        return "direct";
    }

    @Override
    protected void route(Message message, String routingKey, Set<Destination> out) {
        List<Destination> ds = byKey.get(routingKey);
        if (ds != null) {
            out.addAll(ds);
        }
    }

    @Override
    protected void rebuild(List<Binding> current) {
        Map<String, List<Destination>> m = new HashMap<>();
        for (Binding b : current) {
            List<Destination> ds = m.computeIfAbsent(b.routingKey(), k -> new ArrayList<>());
            if (!ds.contains(b.destination())) {
                ds.add(b.destination());
            }
        }
        m.replaceAll((k, v) -> List.copyOf(v));
        byKey = Map.copyOf(m);
    }
}
