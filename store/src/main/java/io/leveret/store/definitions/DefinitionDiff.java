package io.leveret.store.definitions;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/** The changes that turn one model into another: deletes of what the target lacks, then puts of what differs. */
final class DefinitionDiff {
    private DefinitionDiff() {
    }

    static List<Change> changes(Definitions from, Definitions to) {
        List<Change> out = new ArrayList<>();
        // Deletes, children first (a delete cascades, so a later put puts back what the target keeps).
        gone(from.bindings(), to.bindings(), b -> b, b -> out.add(new Change.DeleteBinding(b)));
        gone(from.queues(), to.queues(), q -> List.of(q.vhost(), q.name()),
                q -> out.add(new Change.DeleteQueue(q.vhost(), q.name())));
        gone(from.exchanges(), to.exchanges(), e -> List.of(e.vhost(), e.name()),
                e -> out.add(new Change.DeleteExchange(e.vhost(), e.name())));
        gone(from.parameters(), to.parameters(), p -> List.of(p.vhost(), p.component(), p.name()),
                p -> out.add(new Change.DeleteParameter(p.vhost(), p.component(), p.name())));
        gone(from.policies(), to.policies(), p -> List.of(p.vhost(), p.name()),
                p -> out.add(new Change.DeletePolicy(p.vhost(), p.name())));
        gone(from.topicPermissions(), to.topicPermissions(), p -> List.of(p.user(), p.vhost(), p.exchange()),
                p -> out.add(new Change.DeleteTopicPermission(p.user(), p.vhost(), p.exchange())));
        gone(from.permissions(), to.permissions(), p -> List.of(p.user(), p.vhost()),
                p -> out.add(new Change.DeletePermission(p.user(), p.vhost())));
        gone(from.users(), to.users(), UserDefinition::name, u -> out.add(new Change.DeleteUser(u.name())));
        gone(from.vhosts(), to.vhosts(), VhostDefinition::name, v -> out.add(new Change.DeleteVhost(v.name())));
        // Puts, parents first; one equal to what is there changes nothing.
        to.vhosts().forEach(v -> out.add(new Change.PutVhost(v)));
        to.users().forEach(u -> out.add(new Change.PutUser(u)));
        to.permissions().forEach(p -> out.add(new Change.PutPermission(p)));
        to.topicPermissions().forEach(p -> out.add(new Change.PutTopicPermission(p)));
        to.policies().forEach(p -> out.add(new Change.PutPolicy(p)));
        to.parameters().forEach(p -> out.add(new Change.PutParameter(p)));
        to.exchanges().forEach(e -> out.add(new Change.PutExchange(e)));
        to.queues().forEach(q -> out.add(new Change.PutQueue(q)));
        to.bindings().forEach(b -> out.add(new Change.PutBinding(b)));
        return out;
    }

    private static <T> void gone(List<T> from, List<T> to, Function<T, Object> identity,
                                 java.util.function.Consumer<T> delete) {
        Set<Object> kept = new HashSet<>();
        to.forEach(t -> kept.add(identity.apply(t)));
        for (T t : from) {
            if (!kept.contains(identity.apply(t))) {
                delete.accept(t);
            }
        }
    }
}
