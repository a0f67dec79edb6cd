package io.leveret.store.definitions;

import io.leveret.store.Blob;
import java.util.List;

/** A small model touching every kind of definition. */
final class Fixtures {
    static final Blob ARGS = Blob.of(new byte[] {0, 0, 0, 5, 1, 'x', 'S', 0, 0});

    private Fixtures() {
    }

    static List<Change> model(String vhost) {
        return List.of(
                new Change.PutVhost(new VhostDefinition(vhost)),
                new Change.PutUser(new UserDefinition("guest", Blob.of(new byte[] {9, 8, 7}), List.of("administrator"))),
                new Change.PutPermission(new PermissionDefinition("guest", vhost, ".*", ".*", "^amq\\.")),
                new Change.PutExchange(new ExchangeDefinition(vhost, "orders", "topic", true, false, false, ARGS)),
                new Change.PutExchange(new ExchangeDefinition(vhost, "audit", "fanout", true, true, true, Blob.EMPTY)),
                new Change.PutQueue(new QueueDefinition(vhost, "orders.eu", true, false, false, ARGS)),
                new Change.PutQueue(new QueueDefinition(vhost, "orders.us", true, false, true, Blob.EMPTY)),
                new Change.PutBinding(binding(vhost, "orders", "orders.eu", "eu.#")),
                new Change.PutBinding(binding(vhost, "orders", "orders.us", "us.#")),
                new Change.PutBinding(new BindingDefinition(vhost, "orders", "audit",
                        BindingDefinition.DestinationKind.EXCHANGE, "#", Blob.EMPTY)),
                new Change.PutPolicy(new PolicyDefinition(vhost, "ttl", "^orders\\.", "queues", 5, ARGS)));
    }

    static BindingDefinition binding(String vhost, String exchange, String queue, String key) {
        return new BindingDefinition(vhost, exchange, queue, BindingDefinition.DestinationKind.QUEUE, key, ARGS);
    }
}
