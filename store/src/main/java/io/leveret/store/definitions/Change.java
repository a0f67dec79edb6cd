package io.leveret.store.definitions;

/**
 * Every change to the stored model; {@link DefinitionStore#apply(Change)} is the one way in, whether it
 * comes from an AMQP declare, a definitions import or the journal replay at boot. A put replaces the
 * object with the same identity; deletes cascade as RabbitMQ's do.
 */
public sealed interface Change {
    /**
     * Calls the one method of {@code handler} for this kind of change. Code that must treat every kind
     * (applying to the model, encoding for the journal) implements {@link Handler}: a new kind of change then
     * does not compile until each of them says what it does with it. This stands in for a switch over the
     * sealed type, which Java 17 has only as a preview feature.
     */
    <R> R accept(Handler<R> handler);

    /** One method per kind of change; see {@link #accept}. */
    interface Handler<R> {
        R putVhost(PutVhost change);

        R deleteVhost(DeleteVhost change);

        R putExchange(PutExchange change);

        R deleteExchange(DeleteExchange change);

        R putQueue(PutQueue change);

        R deleteQueue(DeleteQueue change);

        R putBinding(PutBinding change);

        R deleteBinding(DeleteBinding change);

        R putUser(PutUser change);

        R deleteUser(DeleteUser change);

        R putPermission(PutPermission change);

        R deletePermission(DeletePermission change);

        R putPolicy(PutPolicy change);

        R deletePolicy(DeletePolicy change);

        R putTopicPermission(PutTopicPermission change);

        R deleteTopicPermission(DeleteTopicPermission change);

        R putParameter(PutParameter change);

        R deleteParameter(DeleteParameter change);
    }

    record PutVhost(VhostDefinition vhost) implements Change {
        @Override
        public <R> R accept(Handler<R> handler) {
            return handler.putVhost(this);
        }
    }

    /** Also removes everything in the vhost: exchanges, queues, bindings, permissions, policies, parameters. */
    record DeleteVhost(String name) implements Change {
        @Override
        public <R> R accept(Handler<R> handler) {
            return handler.deleteVhost(this);
        }
    }

    record PutExchange(ExchangeDefinition exchange) implements Change {
        @Override
        public <R> R accept(Handler<R> handler) {
            return handler.putExchange(this);
        }
    }

    /** Also removes the bindings from and to it. */
    record DeleteExchange(String vhost, String name) implements Change {
        @Override
        public <R> R accept(Handler<R> handler) {
            return handler.deleteExchange(this);
        }
    }

    record PutQueue(QueueDefinition queue) implements Change {
        @Override
        public <R> R accept(Handler<R> handler) {
            return handler.putQueue(this);
        }
    }

    /** Also removes the bindings to it. Its messages are the message store's: see {@code dropQueue}. */
    record DeleteQueue(String vhost, String name) implements Change {
        @Override
        public <R> R accept(Handler<R> handler) {
            return handler.deleteQueue(this);
        }
    }

    record PutBinding(BindingDefinition binding) implements Change {
        @Override
        public <R> R accept(Handler<R> handler) {
            return handler.putBinding(this);
        }
    }

    record DeleteBinding(BindingDefinition binding) implements Change {
        @Override
        public <R> R accept(Handler<R> handler) {
            return handler.deleteBinding(this);
        }
    }

    record PutUser(UserDefinition user) implements Change {
        @Override
        public <R> R accept(Handler<R> handler) {
            return handler.putUser(this);
        }
    }

    /** Also removes the user's permissions and topic permissions. */
    record DeleteUser(String name) implements Change {
        @Override
        public <R> R accept(Handler<R> handler) {
            return handler.deleteUser(this);
        }
    }

    record PutPermission(PermissionDefinition permission) implements Change {
        @Override
        public <R> R accept(Handler<R> handler) {
            return handler.putPermission(this);
        }
    }

    record DeletePermission(String user, String vhost) implements Change {
        @Override
        public <R> R accept(Handler<R> handler) {
            return handler.deletePermission(this);
        }
    }

    record PutPolicy(PolicyDefinition policy) implements Change {
        @Override
        public <R> R accept(Handler<R> handler) {
            return handler.putPolicy(this);
        }
    }

    record DeletePolicy(String vhost, String name) implements Change {
        @Override
        public <R> R accept(Handler<R> handler) {
            return handler.deletePolicy(this);
        }
    }

    record PutTopicPermission(TopicPermissionDefinition permission) implements Change {
        @Override
        public <R> R accept(Handler<R> handler) {
            return handler.putTopicPermission(this);
        }
    }

    record DeleteTopicPermission(String user, String vhost, String exchange) implements Change {
        @Override
        public <R> R accept(Handler<R> handler) {
            return handler.deleteTopicPermission(this);
        }
    }

    record PutParameter(ParameterDefinition parameter) implements Change {
        @Override
        public <R> R accept(Handler<R> handler) {
            return handler.putParameter(this);
        }
    }

    record DeleteParameter(String vhost, String component, String name) implements Change {
        @Override
        public <R> R accept(Handler<R> handler) {
            return handler.deleteParameter(this);
        }
    }
}
