package io.leveret.server.vhost;

import io.leveret.codec.FieldTable;

/** A binding from an exchange to a destination; two bindings are the same when all four parts are. */
public record Binding(Exchange source, Destination destination, String routingKey, FieldTable arguments) {
}
