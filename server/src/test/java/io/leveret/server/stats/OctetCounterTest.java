package io.leveret.server.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/** recv_oct and send_oct count the bytes that cross the socket, whatever the handlers after it make of them. */
class OctetCounterTest {
    @Test
    void countsBytesReadAndWritten() {
        OctetCounter octets = new OctetCounter();
        EmbeddedChannel ch = new EmbeddedChannel(octets);
        ch.writeInbound(Unpooled.wrappedBuffer(new byte[100]));
        ch.writeInbound(Unpooled.wrappedBuffer(new byte[28]));
        ch.writeOutbound(Unpooled.wrappedBuffer(new byte[7]));
        assertEquals(128, octets.counters().get(Metric.RECV_OCT));
        assertEquals(7, octets.counters().get(Metric.SEND_OCT));
        for (Object o; (o = ch.readInbound()) != null; ) {
            ((ByteBuf) o).release();
        }
        for (Object o; (o = ch.readOutbound()) != null; ) {
            ((ByteBuf) o).release();
        }
        ch.finishAndReleaseAll();
    }

    @Test
    void namesAsRabbitMqShowsThem() {
        String conn = ConnectionNames.of(new InetSocketAddress("127.0.0.1", 54321), new InetSocketAddress("127.0.0.1", 5672));
        assertEquals("127.0.0.1:54321 -> 127.0.0.1:5672", conn);
        assertEquals("127.0.0.1:54321 -> 127.0.0.1:5672 (3)", ConnectionNames.channel(conn, 3));
    }
}
