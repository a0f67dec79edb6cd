package io.leveret.server.security;

import java.util.regex.Pattern;

/**
 * A user's topic permissions on one topic exchange (RabbitMQ 3.7+): the routing key of a publish must
 * match {@code write}, the binding key of a bind or unbind {@code read}. {@code {username}} and
 * {@code {vhost}} in an expression stand for the user's name and the vhost, as in RabbitMQ.
 */
public record TopicPermission(String exchange, String write, String read) {
    public TopicPermission {
        Permission.compile(expand(write, "u", "v"));
        Permission.compile(expand(read, "u", "v"));
    }

    private static String expand(String regex, String user, String vhost) {
        return regex.replace("{username}", Pattern.quote(user)).replace("{vhost}", Pattern.quote(vhost));
    }

    /** True if {@code routingKey} may be published ({@code write}) or bound ({@code !write}). */
    public boolean allows(boolean write, String routingKey, String user, String vhost) {
        String regex = expand(write ? this.write : this.read, user, vhost);
        return Permission.allows(Permission.compile(regex), routingKey);
    }
}
