package io.leveret.server.admin;

/**
 * Why a runtime change was refused before anything changed: the object it names does not exist
 * ({@link Kind#NOT_FOUND}) or what it asks for is not acceptable ({@link Kind#BAD_REQUEST}, with RabbitMQ's
 * reason where RabbitMQ gives one).
 */
public final class AdminException extends RuntimeException {
    /** The two ways a change is refused; the HTTP layer answers 404 and 400 for them. */
    public enum Kind { NOT_FOUND, BAD_REQUEST }

    private final Kind kind;

    public AdminException(Kind kind, String reason) {
        super(reason);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    static AdminException notFound(String reason) {
        return new AdminException(Kind.NOT_FOUND, reason);
    }

    static AdminException badRequest(String reason) {
        return new AdminException(Kind.BAD_REQUEST, reason);
    }
}
