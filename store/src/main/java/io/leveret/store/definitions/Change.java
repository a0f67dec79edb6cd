package io.leveret.store.definitions;

/**
 * Every change to the stored model; {@link DefinitionStore#apply(Change)} is the one way in, whether it
 * comes from an AMQP declare, a definitions import or the journal replay at boot. A put replaces the
 * object with the same identity; deletes cascade as RabbitMQ's do.
 */
public sealed interface Change {
    record PutVhost(VhostDefinition vhost) implements Change {
    }

    /** Also removes everything in the vhost: exchanges, queues, bindings, permissions, policies, parameters. */
    record DeleteVhost(String name) implements Change {
    }

    record PutExchange(ExchangeDefinition exchange) implements Change {
    }

    /** Also removes the bindings from and to it. */
    record DeleteExchange(String vhost, String name) implements Change {
    }

    record PutQueue(QueueDefinition queue) implements Change {
    }

    /** Also removes the bindings to it. Its messages are the message store's: see {@code dropQueue}. */
    record DeleteQueue(String vhost, String name) implements Change {
    }

    record PutBinding(BindingDefinition binding) implements Change {
    }

    record DeleteBinding(BindingDefinition binding) implements Change {
    }

    record PutUser(UserDefinition user) implements Change {
    }

    /** Also removes the user's permissions and topic permissions. */
    record DeleteUser(String name) implements Change {
    }

    record PutPermission(PermissionDefinition permission) implements Change {
    }

    record DeletePermission(String user, String vhost) implements Change {
    }

    record PutPolicy(PolicyDefinition policy) implements Change {
    }

    record DeletePolicy(String vhost, String name) implements Change {
    }

    record PutTopicPermission(TopicPermissionDefinition permission) implements Change {
    }

    record DeleteTopicPermission(String user, String vhost, String exchange) implements Change {
    }

    record PutParameter(ParameterDefinition parameter) implements Change {
    }

    record DeleteParameter(String vhost, String component, String name) implements Change {
    }
}
