package io.leveret.server.protocol;

import java.security.SecureRandom;
import java.util.Base64;

/** Server-generated names in RabbitMQ's form: {@code amq.gen-} and {@code amq.ctag-} plus 22 url-safe characters. */
final class Names {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

    private Names() {
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
