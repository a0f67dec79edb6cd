package io.leveret.server.protocol;

import java.security.SecureRandom;
import java.util.Base64;

/** Server-generated names in RabbitMQ's form: {@code amq.gen-} and {@code amq.ctag-} plus 22 url-safe characters. */
final class Names {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

    private Names() {
    }

    /**
     * {@code name} without carriage returns and line feeds, as RabbitMQ's strip_cr_lf reads the queue and
     * exchange names of declare, delete, bind and unbind (not those of publish, consume, get or purge, nor
     * routing keys). The name itself when it has none, which is nearly always.
     */
    static String stripCrLf(String name) {
        if (name.indexOf('\n') < 0 && name.indexOf('\r') < 0) {
            return name;
        }
        StringBuilder b = new StringBuilder(name.length());
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c != '\n' && c != '\r') {
                b.append(c);
            }
        }
        return b.toString();
    }

    static String queueName() {
        return "amq.gen-" + random();
    }

    static String consumerTag() {
        return "amq.ctag-" + random();
    }

    private static String random() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        return ENCODER.encodeToString(b);
    }
}
