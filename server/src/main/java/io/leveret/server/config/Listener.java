package io.leveret.server.config;

/**
 * One AMQP TCP listener.
 *
 * @param host interface address or host name to bind, or {@code null} for all interfaces
 * @param port TCP port 0..65535; 0 asks the operating system for a free port (see {@code port_file})
 */
public record Listener(String host, int port) {
    public Listener {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        if (host != null && host.isBlank()) {
            throw new IllegalArgumentException("blank host");
        }
    }

    /** Listens on every interface. */
    public static Listener allInterfaces(int port) {
        return new Listener(null, port);
    }

    /** Written as in rabbitmq.conf: {@code 5672}, {@code 127.0.0.1:5672} or {@code [::1]:5672}. */
    @Override
    public String toString() {
        if (host == null) {
            return Integer.toString(port);
        }
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
