package io.leveret.server.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.leveret.codec.FieldTable;
import io.leveret.server.vhost.Queue;
import io.leveret.server.vhost.VirtualHost;
import io.netty.util.concurrent.ImmediateEventExecutor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The sampler and the read API over real vhosts, with samples taken by hand at chosen times. */
class StatisticsTest {
    private static final long T0 = 1_796_447_700_000L;
    private final List<VirtualHost> vhosts = new ArrayList<>(List.of(
            new VirtualHost("/", ImmediateEventExecutor.INSTANCE)));
    private final Statistics stats = Statistics.manual(5000, () -> vhosts);

    private VirtualHost root() {
        return vhosts.get(0);
    }

    @Test
    @SuppressWarnings("unchecked")
    void channelMessageStatsCountAndRate() {
        Counters c = new Counters();
        root().stats().track(Kind.CHANNEL, "127.0.0.1:1 -> 127.0.0.1:2 (1)", c);
        stats.sample(T0);
        assertTrue(stats.messageStats(Kind.CHANNEL, null, "127.0.0.1:1 -> 127.0.0.1:2 (1)", SampleRange.NONE).isEmpty(),
                "nothing moved yet: no message_stats, as RabbitMQ omits it");
        c.add(Metric.PUBLISH, 50);
        c.delivered(false, false);
        c.delivered(true, true);
        c.got(false, false);
        stats.sample(T0 + 5000);
        Map<String, Object> ms = stats.messageStats(Kind.CHANNEL, null, "127.0.0.1:1 -> 127.0.0.1:2 (1)",
                SampleRange.NONE);
        assertEquals(50L, ms.get("publish"));
        assertEquals(Map.of("rate", 10.0), ms.get("publish_details"));
        assertEquals(3L, ms.get("deliver_get"), "deliver + deliver_no_ack + get + get_no_ack");
        assertEquals(Map.of("rate", 0.6), ms.get("deliver_get_details"));
        assertEquals(1L, ms.get("redeliver"));
        assertEquals(List.of("ack", "ack_details", "confirm", "confirm_details", "deliver", "deliver_details",
                "deliver_get", "deliver_get_details", "deliver_no_ack", "deliver_no_ack_details", "drop_unroutable",
                "drop_unroutable_details", "get", "get_details", "get_empty", "get_empty_details", "get_no_ack",
                "get_no_ack_details", "publish", "publish_details", "redeliver", "redeliver_details",
                "return_unroutable", "return_unroutable_details"), List.copyOf(ms.keySet()));
    }

    @Test
    @SuppressWarnings("unchecked")
    void totalsKeepWhatClosedChannelsCounted() {
        Counters a = new Counters();
        Counters b = new Counters();
        Tracked ta = root().stats().track(Kind.CHANNEL, "a (1)", a);
        root().stats().track(Kind.CHANNEL, "b (1)", b);
        a.add(Metric.PUBLISH, 7);
        b.add(Metric.PUBLISH, 5);
        stats.sample(T0);
        root().stats().untrack(ta);
        stats.sample(T0 + 5000);
        Map<String, Object> overview = stats.overview(SampleRange.NONE);
        assertEquals(12L, ((Map<String, Object>) overview.get("message_stats")).get("publish"),
                "overview totals do not go down when a channel closes");
        assertEquals(12L, ((Map<String, Object>) stats.vhost("/", SampleRange.NONE).get("message_stats")).get("publish"));
        assertTrue(stats.messageStats(Kind.CHANNEL, null, "a (1)", SampleRange.NONE).isEmpty(), "a closed channel is gone");
        assertEquals(12, stats.liveTotals()[Metric.PUBLISH.ordinal()]);
        assertChurn(2, 1);
    }

    @Test
    void aNameReusedBeforeItsOwnerWasUntrackedKeepsTheOwnersCounts() {
        Counters first = new Counters();
        Counters second = new Counters();
        Tracked t1 = root().stats().track(Kind.CHANNEL, "c (1)", first);
        first.add(Metric.PUBLISH, 3);
        root().stats().track(Kind.CHANNEL, "c (1)", second);
        second.add(Metric.PUBLISH, 4);
        root().stats().untrack(t1);
        assertEquals(7, stats.liveTotals()[Metric.PUBLISH.ordinal()], "counted once each, neither lost");
        assertChurn(2, 1);
    }

    @Test
    @SuppressWarnings("unchecked")
    void aDeletedVhostsCountsStayInTheOverview() {
        VirtualHost other = new VirtualHost("other", ImmediateEventExecutor.INSTANCE);
        vhosts.add(other);
        Counters c = new Counters();
        other.stats().track(Kind.CHANNEL, "c (1)", c);
        c.add(Metric.ACK, 4);
        stats.sample(T0);
        vhosts.remove(other);
        stats.sample(T0 + 5000);
        stats.sample(T0 + 10_000);
        assertEquals(4L, ((Map<String, Object>) stats.overview(SampleRange.NONE).get("message_stats")).get("ack"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void queueStatsAndLengthsWithSamples() {
        Queue q = root().declareQueue("q", false, false, FieldTable.EMPTY, null);
        stats.sample(T0);
        q.stats().add(Metric.PUBLISH, 10);
        stats.sample(T0 + 5000);
        SampleRange range = new SampleRange(10_000, 5000, 10_000, 5000);
        Map<String, Object> ms = stats.messageStats(Kind.QUEUE, "/", "q", range);
        assertEquals(10L, ms.get("publish"));
        Map<String, Object> d = (Map<String, Object>) ms.get("publish_details");
        assertEquals(2.0, d.get("rate"));
        assertEquals(List.of(Map.of("sample", 10L, "timestamp", T0 + 5000), Map.of("sample", 0L, "timestamp", T0),
                Map.of("sample", 0L, "timestamp", T0 - 5000)), d.get("samples"));
        assertEquals(List.of("ack", "ack_details", "deliver", "deliver_details", "deliver_get", "deliver_get_details",
                "deliver_no_ack", "deliver_no_ack_details", "get", "get_details", "get_empty", "get_empty_details",
                "get_no_ack", "get_no_ack_details", "publish", "publish_details", "redeliver", "redeliver_details"),
                List.copyOf(ms.keySet()));
        Map<String, Object> lengths = stats.queueLengths("/", "q", SampleRange.NONE);
        assertEquals(0L, lengths.get("messages"));
        assertEquals(Map.of("rate", 0.0), lengths.get("messages_ready_details"));
        Map<String, Object> totals = (Map<String, Object>) stats.overview(SampleRange.NONE).get("queue_totals");
        assertEquals(List.of("messages", "messages_details", "messages_ready", "messages_ready_details",
                "messages_unacknowledged", "messages_unacknowledged_details"), List.copyOf(totals.keySet()));
        root().deleteQueue(q);
        stats.sample(T0 + 10_000);
        assertTrue(stats.messageStats(Kind.QUEUE, "/", "q", range).isEmpty());
    }

    private void assertChurn(long channelsCreated, long channelsClosed) {
        long[] t = stats.liveTotals();
        assertEquals(channelsCreated, t[Churn.CHANNEL_CREATED.column()]);
        assertEquals(channelsClosed, t[Churn.CHANNEL_CLOSED.column()]);
        assertEquals(0, t[Churn.CONNECTION_CREATED.column()] + t[Churn.QUEUE_DECLARED.column()]);
    }

    @Test
    @SuppressWarnings("unchecked")
    void churnRatesCountWhatCameAndWentAndKeepAGoneVhostsCounts() {
        VirtualHost other = new VirtualHost("other", ImmediateEventExecutor.INSTANCE);
        vhosts.add(other);
        stats.sample(T0);
        root().declareQueue("q", false, false, FieldTable.EMPTY, null);
        root().stats().queueDeclared(false); // a redeclare
        Tracked conn = other.stats().track(Kind.CONNECTION, "x -> y", new Counters());
        other.stats().untrack(conn);
        stats.sample(T0 + 5000);
        Map<String, Object> churn = (Map<String, Object>) stats.overview(SampleRange.NONE).get("churn_rates");
        assertEquals(List.of("channel_closed", "channel_closed_details", "channel_created", "channel_created_details",
                "connection_closed", "connection_closed_details", "connection_created", "connection_created_details",
                "queue_created", "queue_created_details", "queue_declared", "queue_declared_details", "queue_deleted",
                "queue_deleted_details"), List.copyOf(churn.keySet()), "RabbitMQ's keys, in its order");
        assertEquals(2L, churn.get("queue_declared"));
        assertEquals(Map.of("rate", 0.4), churn.get("queue_declared_details"));
        assertEquals(1L, churn.get("connection_closed"));
        Map<String, Object> mine = (Map<String, Object>) stats.overview(List.of("/"), SampleRange.NONE)
                .get("churn_rates");
        assertEquals(0L, mine.get("connection_created"), "a user who sees only / does not see other's churn");
        assertEquals(1L, mine.get("queue_created"));
        vhosts.remove(other);
        stats.sample(T0 + 10_000);
        churn = (Map<String, Object>) stats.overview(SampleRange.NONE).get("churn_rates");
        assertEquals(1L, churn.get("connection_created"), "a deleted vhost's churn stays in the broker's counts");
        assertEquals(1, stats.liveTotals()[Churn.CONNECTION_CLOSED.column()], "and in Prometheus' counters");
    }

    @Test
    @SuppressWarnings("unchecked")
    void aUsersOverviewSumsTheVhostsTheySee() {
        VirtualHost a = new VirtualHost("a", ImmediateEventExecutor.INSTANCE);
        VirtualHost b = new VirtualHost("b", ImmediateEventExecutor.INSTANCE);
        vhosts.addAll(List.of(a, b));
        Counters ca = new Counters();
        Counters cb = new Counters();
        Counters croot = new Counters();
        a.stats().track(Kind.CHANNEL, "a (1)", ca);
        b.stats().track(Kind.CHANNEL, "b (1)", cb);
        root().stats().track(Kind.CHANNEL, "r (1)", croot);
        stats.sample(T0);
        ca.add(Metric.PUBLISH, 10);
        cb.add(Metric.PUBLISH, 20);
        croot.add(Metric.PUBLISH, 400);
        stats.sample(T0 + 5000);
        SampleRange range = new SampleRange(10_000, 5000, 0, 0);
        Map<String, Object> ms = (Map<String, Object>) stats.overview(List.of("a", "b", "gone"), range)
                .get("message_stats");
        assertEquals(30L, ms.get("publish"));
        Map<String, Object> d = (Map<String, Object>) ms.get("publish_details");
        assertEquals(6.0, d.get("rate"));
        assertEquals(List.of(Map.of("sample", 30L, "timestamp", T0 + 5000), Map.of("sample", 0L, "timestamp", T0),
                Map.of("sample", 0L, "timestamp", T0 - 5000)), d.get("samples"));
        assertEquals(430L, ((Map<String, Object>) stats.overview(range).get("message_stats")).get("publish"));
        Map<String, Object> none = stats.overview(List.of(), SampleRange.NONE);
        assertTrue(!none.containsKey("message_stats") && ((Map<?, ?>) none.get("queue_totals")).isEmpty()
                && ((Map<?, ?>) none.get("churn_rates")).isEmpty(), "no vhosts: nothing to show, as RabbitMQ");
    }

    @Test
    void exchangeStats() {
        root().exchange("amq.direct").counters().publishIn();
        root().exchange("amq.direct").counters().publishIn();
        root().exchange("amq.direct").counters().publishOut();
        stats.sample(T0);
        Map<String, Object> ms = stats.messageStats(Kind.EXCHANGE, "/", "amq.direct", SampleRange.NONE);
        assertEquals(2L, ms.get("publish_in"));
        assertEquals(1L, ms.get("publish_out"));
        assertEquals(List.of("publish_in", "publish_in_details", "publish_out", "publish_out_details"),
                List.copyOf(ms.keySet()));
    }

    @Test
    void connectionOctets() {
        Counters c = new Counters();
        root().stats().track(Kind.CONNECTION, "x -> y", c);
        c.add(Metric.RECV_OCT, 1000);
        stats.sample(T0);
        c.add(Metric.RECV_OCT, 5000);
        c.add(Metric.SEND_OCT, 250);
        stats.sample(T0 + 5000);
        Map<String, Object> o = stats.connectionOctets("x -> y", SampleRange.NONE);
        assertEquals(Map.of("recv_oct", 6000L, "recv_oct_details", Map.of("rate", 1000.0), "send_oct", 250L,
                "send_oct_details", Map.of("rate", 50.0)), o);
        assertEquals(6000L, stats.vhost("/", SampleRange.NONE).get("recv_oct"));
    }

    @Test
    void offAnswersNothing() {
        Statistics off = Statistics.start(5000, false, () -> vhosts);
        try {
            assertTrue(off.overview(SampleRange.NONE).isEmpty());
            assertTrue(off.vhost("/", SampleRange.NONE).isEmpty());
        } finally {
            off.close();
        }
    }

    @Test
    void theRangeComesFromTheQueryInSeconds() {
        assertEquals(new SampleRange(60_000, 5000, 0, 0),
                SampleRange.fromQuery(Map.of("msg_rates_age", "60", "msg_rates_incr", "5", "lengths_age", "60")));
        // As RabbitMQ 3.10.8 reads them: what is not a whole number is not given at all.
        assertEquals(SampleRange.NONE, SampleRange.fromQuery(Map.of("msg_rates_age", "x", "msg_rates_incr", "5")));
        assertEquals(SampleRange.NONE, SampleRange.fromQuery(Map.of("msg_rates_age", "5.5", "msg_rates_incr", "5")));
        assertEquals(new SampleRange(0, 0, 2_503_000, 5000),
                SampleRange.fromQuery(Map.of("lengths_age", "2503", "lengths_incr", "5")));
        for (String[] bad : new String[][] {{"0", "5"}, {"-5", "5"}, {"60", "0"}, {"60", "-1"}, {"2505", "5"}}) {
            IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> SampleRange.fromQuery(Map.of("msg_rates_age", bad[0], "msg_rates_incr", bad[1])));
            assertEquals("Invalid range parameters: age " + bad[0] + ", incr " + bad[1], e.getMessage());
        }
    }
}
