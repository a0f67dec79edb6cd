package io.leveret.server.security;

import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A user's permissions in one vhost: RabbitMQ's configure, write and read regular expressions. As in
 * RabbitMQ (rabbit_auth_backend_internal), a resource name is allowed when the expression matches
 * anywhere in it (PCRE's re:run, unanchored), and the empty expression allows nothing.
 */
public record Permission(String configure, String write, String read) {
    /** Full access, RabbitMQ's default_permissions. */
    public static final Permission ALL = new Permission(".*", ".*", ".*");

    /** What an operation needs, in RabbitMQ's words. */
    public enum Access { CONFIGURE, WRITE, READ }

    public Permission {
        compile(configure);
        compile(write);
        compile(read);
    }

    /** The compiled expressions, for checks on the hot path. */
    public Compiled compiled() {
        return new Compiled(compile(configure), compile(write), compile(read));
    }

    /** Throws IllegalArgumentException for an expression Java cannot compile. */
    static Pattern compile(String regex) {
        if (regex.isEmpty()) {
            return null;
        }
        try {
            return Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("bad permission expression '" + regex + "': " + e.getDescription(), e);
        }
    }

    static boolean allows(Pattern p, String name) {
        return p != null && p.matcher(name).find();
    }

    /** The three expressions compiled; null stands for the empty expression, which matches nothing. */
    public record Compiled(Pattern configure, Pattern write, Pattern read) {
        public boolean allows(Access access, String name) {
            return Permission.allows(switch (access) {
                case CONFIGURE -> configure;
                case WRITE -> write;
                case READ -> read;
            }, name);
        }
    }
}
