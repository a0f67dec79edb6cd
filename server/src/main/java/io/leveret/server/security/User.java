package io.leveret.server.security;

import java.util.List;
import java.util.Objects;

/**
 * A user as RabbitMQ's internal database keeps one.
 *
 * @param name     the user name
 * @param password the salted hash, or null for a user without a password (who can log in only by
 *                 EXTERNAL, as RabbitMQ's users with an empty password_hash)
 * @param tags     management tags ({@code administrator}, {@code monitoring}, …), in the order given
 */
public record User(String name, PasswordHash password, List<String> tags) {
    public User {
        Objects.requireNonNull(name, "name");
        tags = List.copyOf(tags);
    }
}
