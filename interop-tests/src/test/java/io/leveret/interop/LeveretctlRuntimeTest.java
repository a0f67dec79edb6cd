package io.leveret.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.ShutdownSignalException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * leveretctl's runtime commands, proved through real AMQP clients: the alarm forms of {@code eval},
 * {@code set_vm_memory_high_watermark}, {@code set_disk_free_limit}, {@code stop_app} and {@code start_app}.
 * They block every publisher and close every connection, so against Leveret they run on a private broker of
 * this class's own, never the shared one. Against a RabbitMQ ({@code -Dinterop.uri}) the same steps run with
 * rabbitmqctl when {@code -Dinterop.rabbitmqctl} gives its command line (a node of the test's own: stop_app stops
 * it), and are skipped otherwise; the steps that only Leveret has (eval refusing other Erlang) are skipped there.
 */
class LeveretctlRuntimeTest {
    private static final long TIMEOUT_SECONDS = 30;
    private static final String Q = "ctl-runtime";
    private static BrokerUnderTest broker;
    private static boolean ownBroker;
    private final List<Connection> opened = new ArrayList<>();

    @BeforeAll
    static void start() {
        if (BrokerUnderTest.isExternal()) {
            Assumptions.assumeFalse(rabbitmqctl().isEmpty(),
                    "these steps need rabbitmqctl on RabbitMQ: give it with -Dinterop.rabbitmqctl");
            broker = BrokerUnderTest.shared();
        } else {
            broker = BrokerUnderTest.startLeveret("");
            ownBroker = true;
        }
    }

    @AfterAll
    static void stop() {
        if (ownBroker && broker != null) {
            broker.stopAndDelete();
        }
    }

    /** Whatever a test changed is put back, so one failure cannot block the next test's publishers. */
    @AfterEach
    void restore() {
        ctl("start_app");
        ctl("eval", "rabbit_alarm:clear_alarm({resource_limit, memory, node()}).");
        ctl("eval", "rabbit_alarm:clear_alarm({resource_limit, disk, node()}).");
        ctl("set_vm_memory_high_watermark", "0.4");
        ctl("set_disk_free_limit", "50MB");
        for (Connection c : opened) {
            if (c.isOpen()) {
                try {
                    c.abort(5_000);
                } catch (RuntimeException e) {
                    // already gone
                }
            }
        }
    }

    private static String rabbitmqctl() {
        return System.getProperty("interop.rabbitmqctl", "").trim();
    }

    /** leveretctl at the private broker's API, or the given rabbitmqctl against RabbitMQ. */
    static LeveretctlProcess.Result ctl(String... args) {
        if (!BrokerUnderTest.isExternal()) {
            List<String> all = new ArrayList<>(List.of("--url", broker.managementUri(), "--username", broker.user(),
                    "--password", broker.password()));
            all.addAll(List.of(args));
            return LeveretctlProcess.run(all);
        }
        List<String> command = new ArrayList<>(Arrays.asList(rabbitmqctl().split("\\s+")));
        command.addAll(List.of(args));
        return LeveretctlProcess.exec(command, 120);
    }

    private Connection open(String name) throws Exception {
        Connection c = broker.factory().newConnection(name);
        opened.add(c);
        return c;
    }

    /**
     * A publisher that records connection.blocked reasons and unblocks ("unblocked"), and a consumer on its own
     * connection, on a fresh queue.
     */
    private final class Pair {
        final BlockingQueue<String> signals = new LinkedBlockingQueue<>();
        final BlockingQueue<String> deliveries = new LinkedBlockingQueue<>();
        final Connection publisher;
        final Channel pub;
        final Channel con;

        Pair() throws Exception {
            publisher = open("ctl-runtime-publisher");
            publisher.addBlockedListener(signals::add, () -> signals.add("unblocked"));
            pub = publisher.createChannel();
            con = open("ctl-runtime-consumer").createChannel();
            con.queueDeclare(Q, false, false, true, null);
            con.queuePurge(Q);
            con.basicConsume(Q, true, (tag, d) -> deliveries.add(new String(d.getBody(), StandardCharsets.UTF_8)),
                    tag -> { });
        }

        void publish(String body) throws IOException {
            pub.basicPublish("", Q, null, body.getBytes(StandardCharsets.UTF_8));
        }

        /** Blocked at the publish (connection.blocked with {@code reason}), the message held back, others served. */
        void expectBlocked(String reason) throws Exception {
            publish("while-blocked");
            assertEquals(reason, signals.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS), "connection.blocked");
            assertNull(deliveries.poll(500, TimeUnit.MILLISECONDS), "a blocked publisher's message was routed");
            // the consumer's connection never published: it is still served
            AMQP.Queue.DeclareOk ok = con.queueDeclarePassive(Q);
            assertEquals(1, ok.getConsumerCount());
        }

        void expectUnblocked() throws Exception {
            assertEquals("unblocked", signals.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS), "connection.unblocked");
            assertEquals("while-blocked", deliveries.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS));
            publish("after");
            assertEquals("after", deliveries.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS));
        }
    }

    @Test
    void evalSetAlarmBlocksPublishersAndClearAlarmUnblocksThem() throws Exception {
        Pair p = new Pair();
        p.publish("before");
        assertEquals("before", p.deliveries.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS));
        LeveretctlProcess.Result set = ctl("eval", "rabbit_alarm:set_alarm({{resource_limit, memory, node()}, []}).")
                .ok();
        assertEquals("ok\n", set.out());
        assertTrue(p.signals.isEmpty(), "an alarm alone blocks nobody: only a publish does");
        p.expectBlocked("low on memory");
        assertEquals("ok\n", ctl("eval", "rabbit_alarm:clear_alarm({resource_limit, memory, node()}).").ok().out());
        p.expectUnblocked();
    }

    @Test
    void aDiskAlarmBlocksTooAndBothMustClear() throws Exception {
        Pair p = new Pair();
        ctl("eval", "rabbit_alarm:set_alarm({{resource_limit, disk, node()}, []}).").ok();
        p.expectBlocked("low on disk");
        ctl("eval", "rabbit_alarm:set_alarm({{resource_limit, memory, node()}, []}).").ok();
        ctl("eval", "rabbit_alarm:clear_alarm({resource_limit, disk, node()}).").ok();
        assertNull(p.signals.poll(500, TimeUnit.MILLISECONDS), "unblocked while the memory alarm holds");
        assertNull(p.deliveries.poll(100, TimeUnit.MILLISECONDS));
        ctl("eval", "rabbit_alarm:clear_alarm({resource_limit, memory, node()}).").ok();
        p.expectUnblocked();
    }

    @Test
    void aWatermarkBelowWhatIsUsedRaisesTheMemoryAlarmAndRestoringItClearsIt() throws Exception {
        Pair p = new Pair();
        LeveretctlProcess.Result r = ctl("set_vm_memory_high_watermark", "0.000000001").ok();
        assertTrue(r.out().startsWith("Setting memory threshold on "), r.out());
        p.expectBlocked("low on memory");
        ctl("set_vm_memory_high_watermark", "0.4").ok();
        p.expectUnblocked();
        // the absolute form, with rabbitmqctl's units
        ctl("set_vm_memory_high_watermark", "absolute", "1k").ok();
        p.expectBlocked("low on memory");
        ctl("set_vm_memory_high_watermark", "absolute", "64GB").ok();
        p.expectUnblocked();
        if (!BrokerUnderTest.isExternal()) {
            // leveretctl status shows the watermark in force (the API's mem_limit, as RabbitMQ's)
            LeveretctlProcess.Result status = ctl("status").ok();
            assertTrue(status.out().contains("Memory high watermark: 64.0000 gb"), status.out());
        }
    }

    @Test
    void aDiskFreeLimitAboveTheFreeSpaceRaisesTheDiskAlarm() throws Exception {
        Pair p = new Pair();
        LeveretctlProcess.Result r = ctl("set_disk_free_limit", "1000000000GB").ok();
        assertTrue(r.out().contains(" to 1000000000GB bytes ..."), r.out());
        p.expectBlocked("low on disk");
        ctl("set_disk_free_limit", "50MB").ok();
        p.expectUnblocked();
    }

    @Test
    void stopAppClosesConnectionsWith320AndRefusesNewOnesUntilStartApp() throws Exception {
        Connection c = open("ctl-runtime-stopped");
        CompletableFuture<ShutdownSignalException> closed = new CompletableFuture<>();
        c.addShutdownListener(closed::complete);
        LeveretctlProcess.Result stop = ctl("stop_app").ok();
        assertTrue(stop.out().startsWith("Stopping rabbit application on node "), stop.out());
        ShutdownSignalException why = closed.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        assertFalse(why.isInitiatedByApplication());
        AMQP.Connection.Close close = (AMQP.Connection.Close) why.getReason();
        assertEquals(320, close.getReplyCode());
        assertEquals("CONNECTION_FORCED - broker forced connection closure with reason 'shutdown'", close.getReplyText());
        ConnectionFactory f = broker.factory();
        f.setConnectionTimeout(2_000);
        assertThrows(IOException.class, () -> f.newConnection("ctl-runtime-refused").close());

        LeveretctlProcess.Result start = ctl("start_app").ok();
        assertTrue(start.out().startsWith("Starting node "), start.out());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        while (true) {
            try {
                Connection again = f.newConnection("ctl-runtime-again");
                opened.add(again);
                Channel ch = again.createChannel();
                String q = ch.queueDeclare().getQueue();
                ch.basicPublish("", q, null, "served".getBytes(StandardCharsets.UTF_8));
                assertNotNull(waitForGet(ch, q));
                break;
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(200);
            }
        }
    }

    private static com.rabbitmq.client.GetResponse waitForGet(Channel ch, String q) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        com.rabbitmq.client.GetResponse r;
        while ((r = ch.basicGet(q, true)) == null && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        return r;
    }

    @Test
    void stopAppAndStartAppTwiceAreHarmless() {
        ctl("stop_app").ok();
        ctl("stop_app").ok();
        ctl("start_app").ok();
        ctl("start_app").ok();
    }

    @Test
    void evalRefusesErlangItDoesNotKnowAndChangesNothing() throws Exception {
        Assumptions.assumeFalse(BrokerUnderTest.isExternal(), "rabbitmqctl evaluates any Erlang");
        LeveretctlProcess.Result r = ctl("eval", "application:set_env(rabbit, channel_max, 2048).");
        assertEquals(64, r.exitCode());
        assertTrue(r.err().contains("Leveret does not evaluate Erlang"), r.err());
        Pair p = new Pair();
        p.publish("free");
        assertEquals("free", p.deliveries.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS));
    }

    @Test
    void badValuesAreRefusedAsRabbitmqctlRefusesThem() {
        assertEquals(65, ctl("set_vm_memory_high_watermark", "1.5").exitCode());
        assertEquals(65, ctl("set_vm_memory_high_watermark", "absolute", "10XB").exitCode());
        assertEquals(64, ctl("set_vm_memory_high_watermark", "0.4", "0.5").exitCode());
        assertEquals(65, ctl("set_disk_free_limit", "mem_relative", "-1").exitCode());
    }

    @Test
    void theLeveretApiRefusesBadBodiesAndNonAdministratorsWithRabbitMqStyleErrors() {
        Assumptions.assumeFalse(BrokerUnderTest.isExternal(), "/api/leveret is Leveret's own");
        ManagementHttp api = ManagementHttp.of(broker);
        for (String[] bad : new String[][] {
                {"/api/leveret/vm-memory-high-watermark", "{}"},
                {"/api/leveret/vm-memory-high-watermark", "{\"relative\":-0.1}"},
                {"/api/leveret/vm-memory-high-watermark", "{\"relative\":1.5}"},
                {"/api/leveret/vm-memory-high-watermark", "{\"relative\":\"0.4\"}"},
                {"/api/leveret/vm-memory-high-watermark", "{\"absolute\":1.5}"},
                {"/api/leveret/vm-memory-high-watermark", "{\"relative\":0.4,\"absolute\":1}"},
                {"/api/leveret/disk-free-limit", "{\"absolute\":-1}"},
                {"/api/leveret/disk-free-limit", "{\"mem_relative\":null}"},
                {"/api/leveret/disk-free-limit", "not json"}}) {
            java.net.http.HttpResponse<String> r = api.put(bad[0], bad[1]);
            assertEquals(400, r.statusCode(), bad[0] + " " + bad[1] + ": " + r.body());
            assertEquals("bad_request", ManagementHttp.json(r).path("error").asText(), r.body());
        }
        assertEquals(404, api.put("/api/leveret/alarms/cpu", "").statusCode());
        assertEquals(405, api.get("/api/leveret/app/stop").statusCode());
        com.fasterxml.jackson.databind.JsonNode alarms = ManagementHttp.json(api.get("/api/leveret/alarms"));
        assertFalse(alarms.path("mem_alarm").asBoolean(true), alarms.toString());
        assertTrue(ManagementHttp.json(api.get("/api/leveret/app")).path("running").asBoolean(), "running");

        String user = "ctl-runtime-monitor";
        ctl("add_user", user, "pw").ok();
        try {
            ctl("set_user_tags", user, "monitoring").ok();
            java.net.http.HttpResponse<String> r = api.as(user, "pw").call("POST", "/api/leveret/app/stop", "");
            assertEquals(401, r.statusCode(), r.body());
            assertEquals("Not administrator user", ManagementHttp.json(r).path("reason").asText(), r.body());
            assertTrue(ManagementHttp.json(api.get("/api/leveret/app")).path("running").asBoolean(), "still running");
        } finally {
            ctl("delete_user", user);
        }
    }

    /**
     * set_user_tags with RabbitMQ's {@code impersonator} (the Java client's UserIDHeader uses it): such a user may
     * publish with another user_id; the tags are those of the login, so a connection opened before still may not.
     */
    @Test
    void theImpersonatorTagLetsAUserPublishWithAnotherUserIdFromItsNextLogin() throws Exception {
        String user = "ctl-runtime-impersonator";
        ctl("add_user", user, "pw").ok();
        try {
            ctl("set_permissions", "-p", broker.vhost(), user, ".*", ".*", ".*").ok();
            ConnectionFactory f = broker.factory();
            f.setUsername(user);
            f.setPassword("pw");
            AMQP.BasicProperties other = new AMQP.BasicProperties.Builder().userId("someone-else").build();
            Connection before = f.newConnection("ctl-runtime-before");
            opened.add(before);
            ctl("set_user_tags", user, "impersonator").ok();
            Channel refused = before.createChannel();
            refused.basicPublish("amq.fanout", "", other, new byte[0]);
            ShutdownSignalException why = null;
            try {
                refused.queueDeclare();
                fail("published with another user_id before the tag");
            } catch (IOException e) {
                why = (ShutdownSignalException) e.getCause();
            } catch (ShutdownSignalException e) {
                // the channel.close came before the declare was sent (AlreadyClosedException)
                why = e;
            }
            assertEquals(406, ((AMQP.Channel.Close) why.getReason()).getReplyCode());

            Connection after = f.newConnection("ctl-runtime-after");
            opened.add(after);
            Channel ch = after.createChannel();
            String q = ch.queueDeclare().getQueue();
            ch.basicPublish("", q, other, "as someone else".getBytes(StandardCharsets.UTF_8));
            com.rabbitmq.client.GetResponse got = waitForGet(ch, q);
            assertNotNull(got);
            assertEquals("someone-else", got.getProps().getUserId());
        } finally {
            ctl("delete_user", user);
        }
    }
}
