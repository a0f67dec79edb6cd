package io.leveret.server.vhost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.leveret.codec.BasicProperties;
import io.leveret.codec.FieldTable;
import io.leveret.codec.FieldValue;
import io.netty.util.concurrent.ImmediateEventExecutor;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Headers routing as RabbitMQ's rabbit_exchange_type_headers does it. */
class HeadersExchangeTest {
    private final VirtualHost vhost = new VirtualHost("/", ImmediateEventExecutor.INSTANCE);
    private final TestMessages messages = new TestMessages();

    @AfterEach
    void everyMessageFreed() {
        messages.assertAllReleased();
    }

    /** A table in the given order; a null value is a void field. */
    private static FieldTable table(Object... keysAndValues) {
        FieldTable.Builder b = FieldTable.builder();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            b.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return b.build();
    }

    private static boolean matches(FieldTable args, FieldTable headers) {
        return HeadersExchange.matches(args, headers);
    }

    @Test
    void allIsTheDefaultAndNeedsEveryKeyWithItsValue() {
        FieldTable args = table("a", 1, "b", "x");
        assertTrue(matches(args, table("a", 1, "b", "x")));
        assertTrue(matches(args, table("b", "x", "a", 1, "c", 3)), "extra headers and order do not matter");
        assertFalse(matches(args, table("a", 1)));
        assertFalse(matches(args, table("a", 1, "b", "y")));
        assertFalse(matches(args, FieldTable.EMPTY));
        FieldTable explicit = table("x-match", "all", "a", 1, "b", "x");
        assertTrue(matches(explicit, table("a", 1, "b", "x")));
        assertFalse(matches(explicit, table("a", 1)));
    }

    @Test
    void anyNeedsOneKeyWithItsValue() {
        FieldTable args = table("x-match", "any", "a", 1, "b", 2);
        assertTrue(matches(args, table("a", 1)));
        assertTrue(matches(args, table("b", 2, "z", 0)));
        assertFalse(matches(args, table("a", 2, "b", 1)));
        assertFalse(matches(args, FieldTable.EMPTY));
    }

    @Test
    void aBindingWithoutCandidateKeysMatchesEverythingForAllAndNothingForAny() {
        assertTrue(matches(FieldTable.EMPTY, FieldTable.EMPTY));
        assertTrue(matches(FieldTable.EMPTY, table("a", 1)));
        assertTrue(matches(table("x-match", "all"), table("a", 1)));
        assertFalse(matches(table("x-match", "any"), table("a", 1)));
        assertFalse(matches(table("x-match", "any"), FieldTable.EMPTY));
    }

    @Test
    void aVoidBindingValueMeansPresentWithAnyValue() {
        FieldTable args = table("a", null);
        assertTrue(matches(args, table("a", "anything")));
        assertTrue(matches(args, table("a", 42)));
        assertTrue(matches(args, table("a", null)));
        assertFalse(matches(args, table("b", 1)));
        FieldTable any = table("x-match", "any", "a", null, "b", 2);
        assertTrue(matches(any, table("a", false)));
        assertFalse(matches(any, table("b", 3)));
    }

    @Test
    void xKeysAreIgnoredUnlessWithX() {
        assertTrue(matches(table("x-match", "all", "x-foo", 1, "a", 1), table("a", 1)));
        assertTrue(matches(table("x-foo", 1, "a", 1), table("a", 1)));
        assertFalse(matches(table("x-match", "any", "x-foo", 1), table("x-foo", 1)),
                "an x- key is not a candidate for any");
    }

    @Test
    void allWithXAndAnyWithXCompareXKeysButNeverXMatch() {
        FieldTable all = table("x-match", "all-with-x", "x-foo", 1, "a", 1);
        assertFalse(matches(all, table("a", 1)));
        assertTrue(matches(all, table("a", 1, "x-foo", 1)));
        assertFalse(matches(all, table("a", 1, "x-foo", 2)));
        FieldTable any = table("x-match", "any-with-x", "x-foo", 1);
        assertTrue(matches(any, table("x-foo", 1)));
        assertFalse(matches(any, table("x-foo", 2)));
        assertFalse(matches(any, table("x-match", "any-with-x")), "x-match itself is never a candidate");
    }

    @Test
    void integersOfDifferentWidthsWithEqualValuesMatch() {
        assertTrue(matches(table("a", 1), table("a", 1L)));
        assertTrue(matches(table("a", 1L), table("a", (short) 1)));
        assertTrue(matches(table("a", new FieldValue('B', 7)), table("a", (byte) 7)));
        assertTrue(matches(table("a", new FieldValue('i', 5L)), table("a", 5)));
        assertFalse(matches(table("a", 1), table("a", 2L)));
    }

    @Test
    void aStringNeverEqualsANumber() {
        assertFalse(matches(table("a", "1"), table("a", 1)));
        assertFalse(matches(table("a", 1), table("a", "1")));
        assertFalse(matches(table("a", true), table("a", 1)));
        assertTrue(matches(table("a", true), table("a", true)));
        assertTrue(matches(table("a", "x"), table("a", "x".getBytes(java.nio.charset.StandardCharsets.UTF_8))),
                "longstr and binary are both binaries to RabbitMQ");
    }

    /** RabbitMQ compares with Erlang's ==, which compares numbers by value across integer and float types. */
    @Test
    void numbersCompareByValueAcrossIntegerAndFloatTypes() {
        assertTrue(matches(table("a", 1.5f), table("a", 1.5d)));
        assertTrue(matches(table("a", 1), table("a", 1.0d)));
        assertTrue(matches(table("a", 2.0d), table("a", 2L)));
    }

    @Test
    void routesByMessageHeadersToEachQueueOnce() {
        Exchange headers = vhost.declareExchange("headers", "h", false, false, false, FieldTable.EMPTY);
        Queue all = vhost.declareQueue("all", false, false, FieldTable.EMPTY, null);
        Queue any = vhost.declareQueue("any", false, false, FieldTable.EMPTY, null);
        Queue everything = vhost.declareQueue("everything", false, false, FieldTable.EMPTY, null);
        vhost.bind(headers, all, "", table("a", 1, "b", 2));
        vhost.bind(headers, any, "", table("x-match", "any", "a", 1, "b", 2));
        vhost.bind(headers, any, "ignored key", table("x-match", "any", "a", 1));
        vhost.bind(headers, everything, "", FieldTable.EMPTY);

        assertEquals(Set.of("all", "any", "everything"), route(headers, table("a", 1, "b", 2)));
        assertEquals(Set.of("any", "everything"), route(headers, table("a", 1)));
        assertEquals(Set.of("everything"), route(headers, table("c", 1)));
        assertEquals(Set.of("everything"), route(headers, null));

        vhost.unbind(headers, everything, "", FieldTable.EMPTY);
        assertEquals(Set.of(), route(headers, null));
        assertEquals(Set.of("any"), route(headers, table("b", 2)));
    }

    private Set<String> route(Exchange x, FieldTable headers) {
        Message m = headers == null
                ? messages.message("h", "", BasicProperties.EMPTY, "")
                : messages.withHeaders(headers);
        try {
            return TestMessages.names(x, m);
        } finally {
            m.release();
        }
    }
}
