package io.leveret.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * RabbitMQ's access-control table, operation by operation, with the reply texts a RabbitMQ 3.10.8 gave a
 * user with the same permissions (configure '^c.*', write '^w.*', read '^r.*' in '/'; a second user with
 * full permissions and topic permissions on amq.topic). Needs its own users, so it runs on a private
 * Leveret that loads them from a definitions file.
 */
class AccessControlTest {
    private static PrivateLeveret broker;
    private static Connection guest;
    private static Connection probe;
    private static Connection topic;

    @BeforeAll
    static void start() throws Exception {
        PrivateLeveret.assumeLocal();
        Path dir = Files.createTempDirectory("leveret-acl");
        Path defs = Files.writeString(dir.resolve("defs.json"), new TestDefinitions()
                .user("probe", "pw").user("topic", "pw").user("nobody", "pw").vhost("other")
                .permission("probe", "/", "^c.*", "^w.*", "^r.*")
                .permission("topic", "/", ".*", ".*", ".*")
                .topicPermission("topic", "/", "amq.topic", "^allowed.*", "^rallowed.*")
                .json());
        broker = PrivateLeveret.start(dir, List.of(), "load_definitions = " + defs);
        guest = broker.factory("guest", "guest", "/").newConnection();
        Channel ch = guest.createChannel();
        for (String q : List.of("rq", "cq", "wq", "xq")) {
            ch.queueDeclare(q, false, false, false, null);
        }
        for (String x : List.of("rx", "cx", "wx", "xx")) {
            ch.exchangeDeclare(x, "direct");
        }
        probe = broker.factory("probe", "pw", "/").newConnection();
        topic = broker.factory("topic", "pw", "/").newConnection();
    }

    @AfterAll
    static void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    private static String refusedText(String kind, String name) {
        return "ACCESS_REFUSED - access to " + kind + " '" + name + "' in vhost '/' refused for user 'probe'";
    }

    /** Runs {@code action} on a fresh channel of {@code c} and returns how the broker closed that channel. */
    private static Reply on(Connection c, ChannelAction action) throws IOException {
        Channel ch = c.createChannel();
        return BrokerTestSupport.closeCausedBy(ch, () -> action.run(ch));
    }

    /** Runs {@code action} on a fresh channel of {@code c}, which must succeed. */
    private static void allowed(Connection c, ChannelAction action) throws Exception {
        Channel ch = c.createChannel();
        action.run(ch);
        ch.close();
    }

    @FunctionalInterface
    interface ChannelAction {
        void run(Channel ch) throws Exception;
    }

    private static void assertRefused(String kind, String name, int classId, int methodId, Reply r) {
        assertEquals(Reply.channel(403, refusedText(kind, name), classId, methodId), r);
    }

    @Test
    void exchangeDeclareNeedsConfigureExceptPassive() throws Exception {
        assertRefused("exchange", "xnew", 40, 10, on(probe, ch -> ch.exchangeDeclare("xnew", "direct")));
        allowed(probe, ch -> ch.exchangeDeclare("cnew", "direct"));
        allowed(probe, ch -> ch.exchangeDeclarePassive("xx"));
        // The permission check comes before the reserved-name check.
        assertRefused("exchange", "amq.xyz", 40, 10, on(probe, ch -> ch.exchangeDeclare("amq.xyz", "direct")));
    }

    @Test
    void exchangeDeleteNeedsConfigure() throws Exception {
        assertRefused("exchange", "xx", 40, 20, on(probe, ch -> ch.exchangeDelete("xx")));
    }

    @Test
    void queueDeclareNeedsConfigureEvenForServerNamedQueues() throws Exception {
        assertRefused("queue", "xnewq", 50, 10, on(probe, ch -> ch.queueDeclare("xnewq", false, false, false, null)));
        assertRefused("queue", "xq", 50, 10, on(probe, ch -> ch.queueDeclare("xq", false, false, false, null)));
        allowed(probe, ch -> ch.queueDeclarePassive("xq"));
        Reply r = on(probe, ch -> ch.queueDeclare());
        assertEquals(403, r.code());
        assertEquals(true, r.text().startsWith("ACCESS_REFUSED - access to queue 'amq.gen-"), r.text());
        assertEquals(true, r.text().endsWith("' in vhost '/' refused for user 'probe'"), r.text());
    }

    @Test
    void deadLetterExchangeNeedsReadOnTheQueueAndWriteOnTheExchange() throws Exception {
        Map<String, Object> args = Map.of("x-dead-letter-exchange", "xx");
        assertRefused("queue", "cdlq", 50, 10, on(probe, ch -> ch.queueDeclare("cdlq", false, false, false, args)));
    }

    @Test
    void queueDeletePurgeGetConsume() throws Exception {
        assertRefused("queue", "xq", 50, 40, on(probe, ch -> ch.queueDelete("xq")));
        assertRefused("queue", "xq", 50, 30, on(probe, ch -> ch.queuePurge("xq")));
        assertRefused("queue", "xq", 60, 70, on(probe, ch -> ch.basicGet("xq", true)));
        // Read is checked before the queue is looked up.
        assertRefused("queue", "xnope", 60, 70, on(probe, ch -> ch.basicGet("xnope", true)));
        assertRefused("queue", "xq", 60, 20, on(probe, ch -> ch.basicConsume("xq", true, (t, d) -> { }, t -> { })));
        allowed(probe, ch -> ch.basicGet("rq", true));
    }

    @Test
    void bindNeedsWriteOnTheDestinationAndReadOnTheSource() throws Exception {
        assertRefused("queue", "xq", 50, 20, on(probe, ch -> ch.queueBind("xq", "rx", "k")));
        assertRefused("exchange", "xx", 50, 20, on(probe, ch -> ch.queueBind("wq", "xx", "k")));
        assertRefused("queue", "xq", 50, 50, on(probe, ch -> ch.queueUnbind("xq", "rx", "k")));
        assertRefused("exchange", "xx", 40, 30, on(probe, ch -> ch.exchangeBind("xx", "rx", "k")));
        assertRefused("exchange", "xx", 40, 30, on(probe, ch -> ch.exchangeBind("wx", "xx", "k")));
        assertEquals(Reply.channel(404, "NOT_FOUND - no exchange 'rnope' in vhost '/'", 40, 30),
                on(probe, ch -> ch.exchangeBind("wx", "rnope", "k")));
        assertEquals(Reply.channel(404, "NOT_FOUND - no queue 'wnope' in vhost '/'", 50, 20),
                on(probe, ch -> ch.queueBind("wnope", "rx", "k")));
        allowed(probe, ch -> ch.queueBind("wq", "rx", "k"));
    }

    @Test
    void publishNeedsWriteOnTheExchangeTheDefaultOneBeingAmqDefault() throws Exception {
        assertRefused("exchange", "xx", 60, 40, on(probe, ch -> ch.basicPublish("xx", "k", null, new byte[1])));
        assertRefused("exchange", "amq.default", 60, 40,
                on(probe, ch -> ch.basicPublish("", "xq", null, new byte[1])));
        assertRefused("exchange", "nope", 60, 40, on(probe, ch -> ch.basicPublish("nope", "k", null, new byte[1])));
        assertEquals(Reply.channel(404, "NOT_FOUND - no exchange 'wnope' in vhost '/'", 60, 40),
                on(probe, ch -> ch.basicPublish("wnope", "k", null, new byte[1])));
        allowed(probe, ch -> {
            ch.confirmSelect();
            ch.basicPublish("wx", "k", null, new byte[1]);
            ch.waitForConfirmsOrDie(10_000);
        });
    }

    @Test
    void topicPermissionsOnTopicExchanges() throws Exception {
        String prefix = "ACCESS_REFUSED - access to topic '";
        String suffix = "' in exchange 'amq.topic' in vhost '/' refused for user 'topic'";
        assertEquals(Reply.channel(403, prefix + "denied.key" + suffix, 60, 40),
                on(topic, ch -> ch.basicPublish("amq.topic", "denied.key", null, new byte[1])));
        allowed(topic, ch -> {
            ch.confirmSelect();
            ch.basicPublish("amq.topic", "allowed.key", null, new byte[1]);
            ch.exchangeDeclare("tp-other", "topic");
            ch.basicPublish("tp-other", "denied.key", null, new byte[1]);
            ch.basicPublish("amq.direct", "denied.key", null, new byte[1]);
            ch.waitForConfirmsOrDie(10_000);
            ch.queueDeclare("tq", false, false, true, null);
            ch.queueBind("tq", "amq.topic", "rallowed.#");
        });
        assertEquals(Reply.channel(403, prefix + "denied.#" + suffix, 50, 20),
                on(topic, ch -> ch.queueBind("tq", "amq.topic", "denied.#")));
        assertEquals(Reply.channel(403, prefix + "denied.#" + suffix, 50, 50),
                on(topic, ch -> ch.queueUnbind("tq", "amq.topic", "denied.#")));
        assertEquals(Reply.channel(403, prefix + "denied.#" + suffix, 40, 30),
                on(topic, ch -> ch.exchangeBind("amq.fanout", "amq.topic", "denied.#")));
    }

    @Test
    void openingAVhostWithoutPermissionsOrThatDoesNotExist() {
        ConnectionFactory f = broker.factory("probe", "pw", "other");
        Exception e = assertThrows(IOException.class, f::newConnection);
        AMQP.Connection.Close close = (AMQP.Connection.Close) ((com.rabbitmq.client.ShutdownSignalException) e.getCause())
                .getReason();
        assertEquals(530, close.getReplyCode());
        assertEquals("NOT_ALLOWED - access to vhost 'other' refused for user 'probe'", close.getReplyText());
        e = assertThrows(IOException.class, broker.factory("probe", "pw", "nope")::newConnection);
        close = (AMQP.Connection.Close) ((com.rabbitmq.client.ShutdownSignalException) e.getCause()).getReason();
        assertEquals("NOT_ALLOWED - vhost nope not found", close.getReplyText());
    }

    @Test
    void aWrongPasswordIsRefusedWithRabbitMqsText() {
        Exception e = assertThrows(Exception.class, broker.factory("probe", "wrong", "/")::newConnection);
        assertEquals(com.rabbitmq.client.AuthenticationFailureException.class, e.getClass());
        assertEquals("ACCESS_REFUSED - Login was refused using authentication mechanism PLAIN. For details see the"
                + " broker logfile.", e.getMessage());
    }
}
