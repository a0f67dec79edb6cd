package io.leveret.server.vhost;

import io.leveret.codec.FieldTable;
import java.util.List;
import java.util.Set;

/** Routes to every bound destination, whatever the routing key. */
public final class FanoutExchange extends Exchange {
    private volatile List<Destination> all = List.of();

    FanoutExchange(String name, boolean durable, boolean autoDelete, boolean internal, FieldTable arguments) {
        super(name, durable, autoDelete, internal, arguments);
    }

    @Override
    public String type() {
        return "fanout";
    }

    @Override
    protected void route(Message message, String routingKey, Set<Destination> out) {
        out.addAll(all);
    }

    @Override
    protected void rebuild(List<Binding> current) {
        all = current.stream().map(Binding::destination).distinct().toList();
    }
}
