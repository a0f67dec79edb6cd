package io.leveret.server.vhost;

/** What a binding points at: a queue, or another exchange (RabbitMQ's exchange-to-exchange bindings). */
public sealed interface Destination permits Queue, Exchange {
    String name();
}
