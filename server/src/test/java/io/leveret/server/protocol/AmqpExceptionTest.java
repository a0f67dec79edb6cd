package io.leveret.server.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.leveret.codec.BasicMethod;
import io.leveret.codec.ReplyCode;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Reply texts: "NAME - detail", cut to fit a short string the way RabbitMQ cuts them. */
class AmqpExceptionTest {

    private static int utf8Length(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    @Test
    void textStartsWithTheReplyCodesName() {
        ChannelException e = ChannelException.notFound(new BasicMethod.Get(0, "q", false), "no queue 'q' in vhost '/'");
        assertEquals("NOT_FOUND - no queue 'q' in vhost '/'", e.replyText());
        assertEquals(404, e.replyCode());
        assertEquals(60, e.classId());
        assertEquals(70, e.methodId());
        ConnectionException c = new ConnectionException(ReplyCode.FRAME_ERROR, "bad", 0, 0);
        assertEquals("FRAME_ERROR - bad", c.replyText());
    }

    @Test
    void aTextOf255BytesIsKept() {
        String prefix = "PRECONDITION_FAILED - ";
        String detail = "x".repeat(255 - prefix.length());
        ChannelException e = ChannelException.preconditionFailed(null, detail);
        assertEquals(255, utf8Length(e.replyText()));
        assertEquals(prefix + detail, e.replyText());
        assertEquals(0, e.classId());
    }

    @Test
    void aLongerTextIsCutTo252BytesAndDots() {
        String prefix = "PRECONDITION_FAILED - ";
        String detail = "y".repeat(256 - prefix.length());
        String text = ChannelException.preconditionFailed(null, detail).replyText();
        assertEquals(255, utf8Length(text));
        assertTrue(text.endsWith("y..."), text);
        assertEquals((prefix + detail).substring(0, 252) + "...", text);
    }

    @Test
    void aCutNeverSplitsAMultiByteCharacter() {
        String prefix = "PRECONDITION_FAILED - ";
        // 22 bytes of prefix, then 3-byte characters: byte 252 falls inside one.
        String detail = "\u20ac".repeat(100);
        String text = ChannelException.preconditionFailed(null, detail).replyText();
        assertTrue(utf8Length(text) <= 255, text);
        assertTrue(text.endsWith("\u20ac..."), text);
        assertEquals(prefix.length() + 3 * ((252 - prefix.length()) / 3) + 3, utf8Length(text));
    }
}
