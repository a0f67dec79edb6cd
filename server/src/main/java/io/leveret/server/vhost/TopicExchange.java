package io.leveret.server.vhost;

import io.leveret.codec.FieldTable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Routes by dotted patterns: {@code *} matches one word, {@code #} zero or more. The bindings are compiled
 * into a trie of words, so a publish walks the routing key's words instead of testing every binding.
 */
public final class TopicExchange extends Exchange {
    private volatile Node root = new Node();

    TopicExchange(String name, boolean durable, boolean autoDelete, boolean internal, FieldTable arguments) {
        super(name, durable, autoDelete, internal, arguments);
    }

    @Override
    public String type() {
        return "topic";
    }

    @Override
    protected void route(Message message, String routingKey, Set<Destination> out) {
        match(root, words(routingKey), 0, out);
    }

    @Override
    protected void rebuild(List<Binding> current) {
        Node r = new Node();
        for (Binding b : current) {
            Node n = r;
            for (String w : words(b.routingKey())) {
                n = n.child(w);
            }
            if (!n.destinations.contains(b.destination())) {
                n.destinations.add(b.destination());
            }
        }
        root = r;
    }

    /** Splits as RabbitMQ does: "" is no words at all, "a." is "a" and "". */
    static String[] words(String key) {
        return key.isEmpty() ? new String[0] : key.split("\\.", -1);
    }

    private static void match(Node node, String[] words, int i, Set<Destination> out) {
        if (node.hash != null) {
            // '#' may swallow zero or more of the remaining words.
            for (int j = i; j <= words.length; j++) {
                match(node.hash, words, j, out);
            }
        }
        if (i == words.length) {
            out.addAll(node.destinations);
            return;
        }
        Node exact = node.children.get(words[i]);
        if (exact != null) {
            match(exact, words, i + 1, out);
        }
        if (node.star != null) {
            match(node.star, words, i + 1, out);
        }
    }

    /** A trie node; built once per rebuild and never changed after it is published. */
    private static final class Node {
        final Map<String, Node> children = new HashMap<>();
        final List<Destination> destinations = new ArrayList<>();
        Node star;
        Node hash;

        Node child(String word) {
            return switch (word) {
                case "*" -> star == null ? (star = new Node()) : star;
                case "#" -> hash == null ? (hash = new Node()) : hash;
                default -> children.computeIfAbsent(word, w -> new Node());
            };
        }
    }
}
