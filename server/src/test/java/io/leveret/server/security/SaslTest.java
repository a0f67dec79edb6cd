package io.leveret.server.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.leveret.codec.FieldTable;
import io.leveret.codec.LongString;
import io.leveret.codec.Wire;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The start-ok responses of PLAIN (RFC 4616) and AMQPLAIN, and the user database behind them. */
class SaslTest {

    private static LongString plain(String text) {
        return LongString.of(text.getBytes(StandardCharsets.UTF_8));
    }

    /** An AMQPLAIN response: a field table without its 4-byte length, as RabbitMQ's clients send it. */
    static LongString amqplain(FieldTable table) {
        ByteBuf buf = Unpooled.buffer();
        try {
            Wire.writeTable(buf, table);
            byte[] all = ByteBufUtil.getBytes(buf);
            return LongString.of(Arrays.copyOfRange(all, 4, all.length));
        } finally {
            buf.release();
        }
    }

    @Test
    void offersPlainAndAmqplainAndKnowsExternal() {
        assertEquals("PLAIN AMQPLAIN", Sasl.MECHANISMS);
        assertTrue(Sasl.supports("PLAIN"));
        assertTrue(Sasl.supports("AMQPLAIN"));
        assertTrue(Sasl.supports("EXTERNAL"));
        assertFalse(Sasl.supports("CRAM-MD5"));
        assertNull(Sasl.external(null), "EXTERNAL without TLS");
        assertFalse(Sasl.supports("plain"));
        assertNull(Sasl.parse("EXTERNAL", plain("\0guest\0guest")));
    }

    @Test
    void plainWithoutAuthorisationIdentity() {
        assertEquals(new Sasl.Credentials("guest", "guest"), Sasl.parse("PLAIN", plain("\0guest\0guest")));
        assertEquals(new Sasl.Credentials("", ""), Sasl.parse("PLAIN", plain("\0\0")));
    }

    @Test
    void plainWithAuthorisationIdentity() {
        assertEquals(new Sasl.Credentials("bob", "s3cret"), Sasl.parse("PLAIN", plain("admin\0bob\0s3cret")));
    }

    @Test
    void plainKeepsUtf8AndNulsInThePassword() {
        assertEquals(new Sasl.Credentials("j\u00fcrgen", "p\u00e4ss\0word"),
                Sasl.parse("PLAIN", plain("\0j\u00fcrgen\0p\u00e4ss\0word")));
    }

    @Test
    void malformedPlain() {
        assertNull(Sasl.parse("PLAIN", plain("")));
        assertNull(Sasl.parse("PLAIN", plain("guest")));
        assertNull(Sasl.parse("PLAIN", plain("guest\0guest")));
    }

    @Test
    void amqplainTable() {
        FieldTable t = FieldTable.builder().put("LOGIN", "guest").put("PASSWORD", "guest").build();
        assertEquals(new Sasl.Credentials("guest", "guest"), Sasl.parse("AMQPLAIN", amqplain(t)));
        FieldTable reversed = FieldTable.builder().put("PASSWORD", "pw").put("LOGIN", "u").put("extra", 1).build();
        assertEquals(new Sasl.Credentials("u", "pw"), Sasl.parse("AMQPLAIN", amqplain(reversed)));
    }

    @Test
    void malformedAmqplain() {
        assertNull(Sasl.parse("AMQPLAIN", amqplain(FieldTable.of(Map.of("LOGIN", "guest")))));
        assertNull(Sasl.parse("AMQPLAIN", amqplain(FieldTable.EMPTY)));
        assertNull(Sasl.parse("AMQPLAIN", plain("\5LOGINSx")), "a truncated table");
    }

    @Test
    void externalTakesTheMostSpecificCommonName() {
        assertEquals("client-1", Sasl.commonName("CN=client-1,OU=apps,O=Leveret Test,C=NL"));
        assertEquals("a,b", Sasl.commonName("CN=a\\,b,O=x"));
        assertNull(Sasl.commonName("O=no common name"));
    }

    @Test
    void userDatabase() {
        UserDatabase users = new UserDatabase();
        users.put("guest", "guest", Set.of("/"));
        assertTrue(users.authenticate("guest", "guest"));
        assertFalse(users.authenticate("guest", "Guest"));
        assertFalse(users.authenticate("nobody", "guest"));
        assertTrue(users.mayAccess("guest", "/"));
        assertFalse(users.mayAccess("guest", "other"));
        assertFalse(users.mayAccess("nobody", "/"));
        users.put("guest", "new", Set.of("other"));
        assertTrue(users.authenticate("guest", "new"));
        assertTrue(users.mayAccess("guest", "other"));
        assertFalse(users.mayAccess("guest", "/"));
    }
}
