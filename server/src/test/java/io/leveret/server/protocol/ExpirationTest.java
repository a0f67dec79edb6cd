package io.leveret.server.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The expiration property, judged as RabbitMQ's rabbit_basic:parse_expiration (Erlang's string:to_integer). */
class ExpirationTest {

    @org.junit.jupiter.api.Test
    void absentIsFine() {
        assertNull(Expiration.check(null));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "1000", "+5", "-0", "4294967295", "007"})
    void valid(String expiration) {
        assertNull(Expiration.check(expiration));
    }

    @ParameterizedTest(name = "\"{0}\" -> {1}")
    @CsvSource(delimiter = '|', value = {
            "soon        | no_integer",
            "''          | no_integer",
            "-           | no_integer",
            "+           | no_integer",
            "' 5'        | no_integer",
            "x10         | no_integer",
            "10x         | '{leftover_string,\"x\"}'",
            "1.5         | '{leftover_string,\".5\"}'",
            "'5 '        | '{leftover_string,\" \"}'",
            "-1          | '{value_negative,-1}'",
            "-100        | '{value_negative,-100}'",
            "4294967296  | '{value_too_large,4294967296}'",
            "99999999999999999999 | '{value_too_large,99999999999999999999}'",
    })
    void invalid(String expiration, String reason) {
        assertEquals(reason, Expiration.check(expiration));
    }
}
