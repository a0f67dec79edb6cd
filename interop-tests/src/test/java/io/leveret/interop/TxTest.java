package io.leveret.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.GetResponse;
import java.util.List;
import org.junit.jupiter.api.Test;

/** tx class: publishes and acks take effect on commit only; rollback discards them. */
class TxTest extends BrokerTestSupport {

    @Test
    void publishesAreInvisibleUntilCommit() throws Exception {
        String q = serverNamedQueue();
        Channel tx = connection.createChannel();
        tx.txSelect();
        tx.basicPublish("", q, null, utf8("t1"));
        tx.basicPublish("", q, null, utf8("t2"));
        // A round trip on the tx channel proves the broker has the publishes; they still are not in the queue.
        tx.queueDeclarePassive(q);
        assertEquals(0, channel.queueDeclarePassive(q).getMessageCount());
        assertNull(channel.basicGet(q, true));
        tx.txCommit();
        awaitReady(channel, q, 2);
        assertEquals(List.of("t1", "t2"), drain(channel, q));
    }

    @Test
    void rollbackDiscardsPublishesAndTheChannelStaysTransactional() throws Exception {
        String q = serverNamedQueue();
        Channel tx = connection.createChannel();
        tx.txSelect();
        tx.basicPublish("", q, null, utf8("rolled back"));
        tx.txRollback();
        tx.basicPublish("", q, null, utf8("committed"));
        tx.txCommit();
        awaitReady(channel, q, 1);
        assertEquals(List.of("committed"), drain(channel, q));
    }

    @Test
    void acksTakeEffectOnlyOnCommit() throws Exception {
        String q = serverNamedQueue();
        channel.basicPublish("", q, null, utf8("m0"));
        channel.basicPublish("", q, null, utf8("m1"));
        awaitReady(channel, q, 2);
        Channel tx = connection.createChannel();
        tx.txSelect();
        GetResponse m0 = tx.basicGet(q, false);
        GetResponse m1 = tx.basicGet(q, false);
        tx.basicAck(m0.getEnvelope().getDeliveryTag(), false);
        tx.txCommit();
        tx.basicAck(m1.getEnvelope().getDeliveryTag(), false);
        // Uncommitted ack: closing the channel requeues m1 as if it was never acked; m0's committed ack stands.
        tx.close();
        awaitReady(channel, q, 1);
        GetResponse back = channel.basicGet(q, true);
        assertEquals("m1", text(back.getBody()));
        assertTrue(back.getEnvelope().isRedeliver());
    }

    @Test
    void rollbackOfAnAckLeavesTheMessageUnackedOnTheChannel() throws Exception {
        String q = serverNamedQueue();
        channel.basicPublish("", q, null, utf8("m0"));
        channel.basicPublish("", q, null, utf8("m1"));
        awaitReady(channel, q, 2);
        Channel tx = connection.createChannel();
        tx.txSelect();
        GetResponse m0 = tx.basicGet(q, false);
        tx.basicAck(m0.getEnvelope().getDeliveryTag(), false);
        tx.txRollback();
        // Not requeued: only m1 is ready...
        assertEquals(1, channel.queueDeclarePassive(q).getMessageCount());
        // ...and m0 is still this channel's to settle: acking it again and committing removes it.
        tx.basicAck(m0.getEnvelope().getDeliveryTag(), false);
        tx.txCommit();
        tx.close();
        awaitReady(channel, q, 1);
        assertEquals(List.of("m1"), drain(channel, q));
    }

    @Test
    void rejectsInATransactionAlsoWaitForCommit() throws Exception {
        String q = serverNamedQueue();
        channel.basicPublish("", q, null, utf8("m0"));
        awaitReady(channel, q, 1);
        Channel tx = connection.createChannel();
        tx.txSelect();
        GetResponse m0 = tx.basicGet(q, false);
        tx.basicReject(m0.getEnvelope().getDeliveryTag(), true);
        tx.queueDeclarePassive(q);
        assertEquals(0, channel.queueDeclarePassive(q).getMessageCount(), "requeue waits for commit");
        tx.txCommit();
        awaitReady(channel, q, 1);
        assertTrue(channel.basicGet(q, true).getEnvelope().isRedeliver());
    }

    @Test
    void txSelectTwiceIsHarmless() throws Exception {
        String q = serverNamedQueue();
        Channel tx = connection.createChannel();
        tx.txSelect();
        tx.txSelect();
        // Still one transaction: the publish waits for the commit, and a rollback still discards.
        tx.basicPublish("", q, null, utf8("rolled back"));
        tx.txRollback();
        tx.basicPublish("", q, null, utf8("committed"));
        tx.queueDeclarePassive(q);
        assertEquals(0, channel.queueDeclarePassive(q).getMessageCount());
        tx.txCommit();
        awaitReady(channel, q, 1);
        assertEquals(List.of("committed"), drain(channel, q));
    }

    @Test
    void commitWithoutSelectIs406() {
        Reply reply = closeCausedBy(channel, () -> channel.txCommit());
        assertEquals(Reply.channel(406, "PRECONDITION_FAILED - channel is not transactional", 90, 20), reply);
    }

    @Test
    void rollbackWithoutSelectIs406() {
        Reply reply = closeCausedBy(channel, () -> channel.txRollback());
        assertEquals(Reply.channel(406, "PRECONDITION_FAILED - channel is not transactional", 90, 30), reply);
    }
}
