package io.leveret.server.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Base64;
import org.junit.jupiter.api.Test;

/** RabbitMQ's password hashing, checked against hashes a RabbitMQ 3.10.8 exported. */
class PasswordHashTest {

    @Test
    void verifiesHashesRabbitMqExported() {
        // From interop-tests/src/test/resources/definitions/rabbitmq-3.10.8-export.json.
        assertTrue(PasswordHash.parse(PasswordHash.Algorithm.SHA256,
                "lo2xw1dcWfZfluiOLSQu5Sopn8z66cysQ0aicmWwAFfQv/Yx").matches("guest"));
        assertTrue(PasswordHash.parse(PasswordHash.Algorithm.SHA256,
                "KHYpaAu9vNPzZDsz9bW+LmWab0y/Pr8H3fXSlTnyEts8ueDB").matches("pw-sha256"));
        assertTrue(PasswordHash.parse(PasswordHash.Algorithm.SHA512,
                "fot2k+VlAT/DxhnuNl5LMc9bNJbtvCXdxRfqQemfsEN1atYsLb8AjiDb5/Aqmv/AClAF3/5lXjnlQfHNl7Xj/OaADaI=")
                .matches("pw-sha512"));
        assertTrue(PasswordHash.parse(PasswordHash.Algorithm.MD5, "Gt16Z1lTFbT4XaD8B0Vn95QWzt0=").matches("pw-md5"));
        assertFalse(PasswordHash.parse(PasswordHash.Algorithm.MD5, "Gt16Z1lTFbT4XaD8B0Vn95QWzt0=").matches("pw-md4"));
    }

    @Test
    void formatIsSaltThenDigestOfSaltAndPassword() {
        byte[] salt = {1, 2, 3, 4};
        PasswordHash h = PasswordHash.withSalt(PasswordHash.Algorithm.SHA256, salt, "secret");
        byte[] raw = Base64.getDecoder().decode(h.base64());
        assertEquals(4 + 32, raw.length);
        assertEquals(1, raw[0]);
        assertEquals(4, raw[3]);
        assertEquals(4 + 64, PasswordHash.of(PasswordHash.Algorithm.SHA512, "x").saltAndHash().length);
        assertEquals(4 + 16, PasswordHash.of(PasswordHash.Algorithm.MD5, "x").saltAndHash().length);
    }

    @Test
    void freshSaltEachTimeAndUnicodePasswords() {
        PasswordHash a = PasswordHash.of(PasswordHash.Algorithm.SHA256, "pässwörd ✓");
        PasswordHash b = PasswordHash.of(PasswordHash.Algorithm.SHA256, "pässwörd ✓");
        assertNotEquals(a, b);
        assertTrue(a.matches("pässwörd ✓"));
        assertFalse(a.matches("passwort"));
        assertEquals(a, PasswordHash.parse(PasswordHash.Algorithm.SHA256, a.base64()));
    }

    @Test
    void algorithmsByTheirRabbitMqNames() {
        assertEquals(PasswordHash.Algorithm.SHA512, PasswordHash.Algorithm.byRabbitName("rabbit_password_hashing_sha512"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PasswordHash.Algorithm.byRabbitName("rabbit_password_hashing_bcrypt"));
        assertTrue(e.getMessage().contains("rabbit_password_hashing_bcrypt"));
        assertThrows(IllegalArgumentException.class, () -> PasswordHash.parse(PasswordHash.Algorithm.MD5, "AAA="));
    }
}
