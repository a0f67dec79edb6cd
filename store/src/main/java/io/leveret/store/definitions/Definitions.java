package io.leveret.store.definitions;

import java.util.List;

/** An immutable copy of the whole stored model, for recovery at boot or an export. */
public record Definitions(List<VhostDefinition> vhosts, List<UserDefinition> users,
                          List<PermissionDefinition> permissions, List<ExchangeDefinition> exchanges,
                          List<QueueDefinition> queues, List<BindingDefinition> bindings,
                          List<PolicyDefinition> policies, List<TopicPermissionDefinition> topicPermissions,
                          List<ParameterDefinition> parameters) {
    public Definitions {
        vhosts = List.copyOf(vhosts);
        users = List.copyOf(users);
        permissions = List.copyOf(permissions);
        exchanges = List.copyOf(exchanges);
        queues = List.copyOf(queues);
        bindings = List.copyOf(bindings);
        policies = List.copyOf(policies);
        topicPermissions = List.copyOf(topicPermissions);
        parameters = List.copyOf(parameters);
    }

    /** Without topic permissions and parameters. */
    public Definitions(List<VhostDefinition> vhosts, List<UserDefinition> users,
                       List<PermissionDefinition> permissions, List<ExchangeDefinition> exchanges,
                       List<QueueDefinition> queues, List<BindingDefinition> bindings,
                       List<PolicyDefinition> policies) {
        this(vhosts, users, permissions, exchanges, queues, bindings, policies, List.of(), List.of());
    }
}
