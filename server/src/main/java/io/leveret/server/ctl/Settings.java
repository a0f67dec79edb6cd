package io.leveret.server.ctl;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

/**
 * Where the management API is and whom to log in as. Each setting comes from the first of: the command-line
 * option, the environment variable, then the default. The URL has one more source between the variable and the
 * default: rabbitmqctl's {@code -n name@host} names a host, and the API is looked for on that host's port 15672.
 * {@code LEVERETCTL_URL} deliberately outranks {@code -n}: test harnesses (the RabbitMQ Java client's) always pass
 * {@code -n rabbit@localhost}, and the variable is how they are pointed at a broker on another port.
 *
 * <pre>
 *   --url URL        LEVERETCTL_URL       default http://localhost:15672 (or http://HOST:15672 from -n NAME@HOST)
 *   --username NAME  LEVERETCTL_USERNAME  default guest
 *   --password PASS  LEVERETCTL_PASSWORD  default guest
 *   -t SECONDS       (none)               per request; default 60
 * </pre>
 */
record Settings(URI baseUri, String username, String password, Duration timeout) {
    static final int DEFAULT_PORT = 15672;
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    static Settings resolve(Invocation inv, Map<String, String> env) throws CtlException {
        String url = inv.option("url").orElseGet(() -> {
            String fromEnv = env.get("LEVERETCTL_URL");
            if (fromEnv != null && !fromEnv.isBlank()) {
                return fromEnv;
            }
            return "http://" + hostOfNode(inv.option("node").orElse("")) + ":" + DEFAULT_PORT;
        });
        URI base;
        try {
            base = URI.create(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
        } catch (IllegalArgumentException e) {
            throw CtlException.usage("invalid management URL '" + url + "': " + e.getMessage());
        }
        if (base.getScheme() == null || !base.getScheme().matches("https?") || base.getHost() == null) {
            throw CtlException.usage("invalid management URL '" + url + "': expected http://host:port");
        }
        String user = inv.option("username").orElse(env.getOrDefault("LEVERETCTL_USERNAME", "guest"));
        String pass = inv.option("password").orElse(env.getOrDefault("LEVERETCTL_PASSWORD", "guest"));
        return new Settings(base, user, pass, timeout(inv));
    }

    /** {@code rabbit@broker1} → broker1; a bare name is a host name, as rabbitmqctl's short names mean this host. */
    static String hostOfNode(String node) {
        if (node.isEmpty()) {
            return "localhost";
        }
        int at = node.indexOf('@');
        if (at < 0) {
            return "localhost";
        }
        String host = node.substring(at + 1);
        return host.isEmpty() ? "localhost" : host;
    }

    static Duration timeout(Invocation inv) throws CtlException {
        String t = inv.option("timeout").orElse(null);
        if (t == null || t.equals("infinity")) {
            return DEFAULT_TIMEOUT;
        }
        try {
            double seconds = Double.parseDouble(t);
            if (seconds <= 0 || Double.isNaN(seconds) || Double.isInfinite(seconds)) {
                throw new NumberFormatException();
            }
            return Duration.ofMillis((long) (seconds * 1000));
        } catch (NumberFormatException e) {
            throw CtlException.usage("timeout must be a positive number of seconds, got '" + t + "'");
        }
    }

    /** rabbitmqctl names its node in messages; we name the API we talk to. */
    String target() {
        return baseUri.toString();
    }
}
