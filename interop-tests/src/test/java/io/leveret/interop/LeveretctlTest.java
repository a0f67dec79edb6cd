package io.leveret.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.ShutdownSignalException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * leveretctl as operators and the RabbitMQ Java client's test suite run it: the built jar's {@code ctl} as a
 * process, pointed at the broker under test's management API, for every command it claims; each test checks the
 * printed answer and the effect over AMQP. Runs unchanged against RabbitMQ with its management plugin. Listings
 * are awaited, since RabbitMQ's API shows new connections and queues only after its next statistics sample.
 *
 * <p>Names carry a random suffix and everything created is deleted afterwards: the reference node is shared.
 * Connection-closing commands are only pointed at a vhost of the test's own.
 */
class LeveretctlTest {
    /** RabbitMQ samples statistics every 5 s; a listing may take that long to show a new object. */
    private static final Duration LISTING_TIMEOUT = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<String> usersToDelete = new ArrayList<>();
    private final List<String> vhostsToDelete = new ArrayList<>();
    private final List<String> queuesToDelete = new ArrayList<>();
    private final List<String> policiesToClear = new ArrayList<>();
    private final List<String> operatorPoliciesToClear = new ArrayList<>();
    private final List<Connection> opened = new ArrayList<>();

    /**
     * leveretctl is a client of the management HTTP API, and Leveret's API is not merged on main yet (#13):
     * until it is, these tests run against an external broker only ({@code -Dinterop.uri}, e.g. RabbitMQ 3.10.8).
     */
    @org.junit.jupiter.api.BeforeAll
    static void needsManagementApi() {
        org.junit.jupiter.api.Assumptions.assumeTrue(BrokerUnderTest.isExternal(),
                "Leveret serves no management API yet (#13): leveretctl is tested against an external broker");
    }

    /**
     * The broker under test's management API: {@code interop.management.uri} when set, else the AMQP host with
     * the AMQP port + 10000 (15672 for 5672, 15673 for the reference node on 5673).
     */
    static String managementUri() {
        String configured = System.getProperty("interop.management.uri", "");
        if (!configured.isBlank()) {
            return configured.trim();
        }
        BrokerUnderTest b = BrokerUnderTest.shared();
        return "http://" + b.host() + ":" + (b.port() + 10000);
    }

    static LeveretctlProcess.Result ctl(String... args) {
        return ctlAs(BrokerUnderTest.shared().user(), BrokerUnderTest.shared().password(), args);
    }

    static LeveretctlProcess.Result ctlAs(String user, String password, String... args) {
        List<String> all = new ArrayList<>(List.of("--url", managementUri(), "--username", user, "--password", password));
        all.addAll(List.of(args));
        return LeveretctlProcess.run(all);
    }

    /** Runs the command until its output satisfies {@code until}; returns that run. */
    static LeveretctlProcess.Result awaitCtl(Predicate<LeveretctlProcess.Result> until, String... args) {
        long deadline = System.nanoTime() + LISTING_TIMEOUT.toNanos();
        LeveretctlProcess.Result last;
        do {
            last = ctl(args).ok();
            if (until.test(last)) {
                return last;
            }
        } while (System.nanoTime() < deadline);
        fail("leveretctl " + String.join(" ", args) + " never printed what was expected; last:\n" + last.out());
        return last;
    }

    static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private ConnectionFactory factory(String user, String password, String vhost) {
        ConnectionFactory f = BrokerUnderTest.shared().factory();
        f.setUsername(user);
        f.setPassword(password);
        f.setVirtualHost(vhost);
        return f;
    }

    private Connection open(ConnectionFactory f, String name) throws Exception {
        Connection c = f.newConnection(name);
        opened.add(c);
        return c;
    }

    private boolean canConnect(String user, String password, String vhost) {
        try (Connection c = factory(user, password, vhost).newConnection("leveretctl-probe")) {
            return c.isOpen();
        } catch (Exception e) {
            return false;
        }
    }

    @AfterEach
    void cleanUp() {
        for (Connection c : opened) {
            try {
                if (c.isOpen()) {
                    c.close(5_000);
                }
            } catch (Exception e) {
                // closed by the test already
            }
        }
        queuesToDelete.forEach(q -> ctl("delete_queue", q));
        policiesToClear.forEach(p -> ctl("clear_policy", p));
        operatorPoliciesToClear.forEach(p -> ctl("clear_operator_policy", p));
        usersToDelete.forEach(u -> ctl("delete_user", u));
        vhostsToDelete.forEach(v -> ctl("delete_vhost", v));
    }

    private String newUser(String password) {
        String user = unique("ctl-user");
        usersToDelete.add(user);
        ctl("add_user", user, password).ok();
        return user;
    }

    private String newVhost() {
        String vhost = unique("ctl-vhost");
        vhostsToDelete.add(vhost);
        ctl("add_vhost", vhost).ok();
        ctl("set_permissions", "-p", vhost, BrokerUnderTest.shared().user(), ".*", ".*", ".*").ok();
        return vhost;
    }

    @Test
    void addUserThenPermissionsLetItConnect() {
        String user = unique("ctl-user");
        usersToDelete.add(user);
        LeveretctlProcess.Result added = ctl("add_user", user, "pw1").ok();
        assertEquals("Adding user \"" + user + "\" ...", added.lines().get(0));
        assertFalse(canConnect(user, "pw1", "/"), "no permissions yet");
        ctl("set_permissions", "-p", "/", user, ".*", ".*", ".*").ok();
        assertTrue(canConnect(user, "pw1", "/"));
        assertTrue(ctl("-q", "list_user_permissions", user).ok().lines().contains("/\t.*\t.*\t.*"));
        assertTrue(ctl("list_permissions", "-s").ok().lines().contains(user + "\t.*\t.*\t.*"));

        LeveretctlProcess.Result again = ctl("add_user", user, "other");
        assertEquals(70, again.exitCode());
        assertEquals("Error:\nUser \"" + user + "\" already exists\n", again.err());
        assertTrue(canConnect(user, "pw1", "/"), "a refused add_user must not change the password");

        ctl("change_password", user, "pw2").ok();
        assertFalse(canConnect(user, "pw1", "/"));
        assertTrue(canConnect(user, "pw2", "/"));

        ctl("clear_permissions", user).ok();
        assertFalse(canConnect(user, "pw2", "/"));

        ctl("delete_user", user).ok();
        LeveretctlProcess.Result gone = ctl("delete_user", user);
        assertEquals(67, gone.exitCode());
        assertEquals("Error:\nUser \"" + user + "\" does not exist\n", gone.err());
        assertEquals(67, ctl("set_permissions", user, ".*", ".*", ".*").exitCode());
        assertEquals(69, ctl("list_user_permissions", user).exitCode());
    }

    @Test
    void setUserTagsShowsInListUsersAndKeepsThePassword() {
        String user = newUser("pw");
        ctl("set_permissions", user, ".*", ".*", ".*").ok();
        assertTrue(ctl("list_users").ok().lines().contains(user + "\t[]"));
        LeveretctlProcess.Result tagged = ctl("set_user_tags", user, "monitoring", "policymaker").ok();
        assertEquals("Setting tags for user \"" + user + "\" to [monitoring, policymaker] ...\n", tagged.out());
        LeveretctlProcess.Result silent = ctl("list_users", "-s").ok();
        assertTrue(silent.lines().contains(user + "\t[monitoring, policymaker]"), silent.out());
        assertFalse(silent.out().contains("Listing users"), "-s drops the banner");
        assertFalse(silent.lines().contains("user\ttags"), "-s drops the header");
        assertTrue(canConnect(user, "pw", "/"), "set_user_tags must keep the password");
        // the tag now lets the user at the management API
        assertEquals(0, ctlAs(user, "pw", "list_queues", "-q").exitCode());
        ctl("set_user_tags", user).ok();
        assertTrue(ctl("list_users", "-s").ok().lines().contains(user + "\t[]"));
        JsonNode json = parse(ctl("list_users", "--formatter", "json").ok().out());
        assertTrue(json.isArray());
        assertTrue(containsObject(json, "user", user));
    }

    @Test
    void vhostsComeAndGoAndScopePermissions() throws Exception {
        String vhost = unique("ctl-vhost");
        vhostsToDelete.add(vhost);
        assertEquals("Adding vhost \"" + vhost + "\" ...\n", ctl("add_vhost", vhost).ok().out());
        assertTrue(ctl("list_vhosts", "-q").ok().lines().contains(vhost));
        assertTrue(ctl("list_vhosts", "-s", "name", "tracing").ok().lines().contains(vhost + "\tfalse"));
        String guest = BrokerUnderTest.shared().user();
        assertFalse(canConnect(guest, BrokerUnderTest.shared().password(), vhost));
        ctl("set_permissions", "-p", vhost, guest, ".*", ".*", ".*").ok();
        assertTrue(canConnect(guest, BrokerUnderTest.shared().password(), vhost));
        assertEquals(List.of("Listing permissions for vhost \"" + vhost + "\" ...", "user\tconfigure\twrite\tread",
                guest + "\t.*\t.*\t.*"), ctl("list_permissions", "-p", vhost).ok().lines());

        ctl("delete_vhost", vhost).ok();
        assertFalse(ctl("list_vhosts", "-s").ok().lines().contains(vhost));
        LeveretctlProcess.Result gone = ctl("delete_vhost", vhost);
        assertEquals(65, gone.exitCode());
        assertEquals("Virtual host '" + vhost + "' does not exist\n", gone.err());
        assertEquals(65, ctl("list_permissions", "-p", vhost).exitCode());
        assertEquals(69, ctl("set_permissions", "-p", vhost, guest, ".*", ".*", ".*").exitCode());
    }

    @Test
    void topicPermissionsAreSetListedAndCleared() {
        assertEquals(0, ctl("set_topic_permissions", "--help").exitCode(),
                "the Java client's TopicPermissions suite runs only if this exits 0");
        String user = newUser("pw");
        String vhost = newVhost();
        ctl("set_topic_permissions", "-p", vhost, user, "amq.topic", "^a", "^b").ok();
        ctl("set_topic_permissions", "-p", vhost, user, "amq.direct", "^c", "^d").ok();
        List<String> rows = ctl("list_topic_permissions", "-p", vhost, "-s").ok().lines();
        assertTrue(rows.contains(user + "\tamq.topic\t^a\t^b"), rows.toString());
        assertTrue(rows.contains(user + "\tamq.direct\t^c\t^d"), rows.toString());

        ctl("clear_topic_permissions", "-p", vhost, user, "amq.topic").ok();
        rows = ctl("list_topic_permissions", "-p", vhost, "-s").ok().lines();
        assertFalse(rows.contains(user + "\tamq.topic\t^a\t^b"), rows.toString());
        assertTrue(rows.contains(user + "\tamq.direct\t^c\t^d"), "only the named exchange is cleared: " + rows);

        ctl("clear_topic_permissions", "-p", vhost, user).ok();
        assertEquals(List.of("Listing topic permissions for vhost \"" + vhost + "\" ...", ""),
                ctl("list_topic_permissions", "-p", vhost).ok().lines());
    }

    @Test
    void aPolicyAppliesToAnExistingQueueAndGoesAway() throws Exception {
        String queue = unique("ctl-pq");
        String policy = unique("ctl-policy");
        Connection c = open(BrokerUnderTest.shared().factory(), "ctl-policy");
        Channel ch = c.createChannel();
        ch.queueDeclare(queue, false, false, false, null);
        queuesToDelete.add(queue);
        policiesToClear.add(policy);
        LeveretctlProcess.Result set = ctl("set_policy", "--priority", "1", "--apply-to", "queues", policy, "^" + queue + "$",
                "{\"max-length\":1}").ok();
        assertEquals("Setting policy \"" + policy + "\" for pattern \"^" + queue + "$\" to \"{\"max-length\":1}\" with priority \"1\" for vhost \"/\" ...\n",
                set.out());
        assertTrue(ctl("list_policies", "-s").ok().lines()
                .contains("/\t" + policy + "\t^" + queue + "$\tqueues\t{\"max-length\":1}\t1"));
        awaitCtl(r -> r.lines().contains(queue + "\t" + policy), "list_queues", "-s", "name", "policy");
        for (int i = 0; i < 3; i++) {
            ch.basicPublish("", queue, null, ("m" + i).getBytes(StandardCharsets.UTF_8));
        }
        ch.basicQos(1); // a round trip, so the publishes have been handled
        assertEquals(1, ch.queueDeclarePassive(queue).getMessageCount(), "max-length 1 from the policy");

        ctl("clear_policy", policy).ok();
        LeveretctlProcess.Result again = ctl("clear_policy", policy);
        assertEquals(69, again.exitCode());
        assertEquals("Error:\nParameter does not exist\n", again.err());
        assertFalse(ctl("list_policies", "-s").ok().out().contains(policy));
        assertEquals(69, ctl("set_policy", policy, "^x", "{bad").exitCode());
        assertEquals(65, ctl("set_policy", "-p", unique("ctl-novhost"), policy, "^x", "{\"max-length\":1}").exitCode());
    }

    @Test
    void operatorPoliciesAreSetListedAndCleared() {
        String policy = unique("ctl-oppolicy");
        operatorPoliciesToClear.add(policy);
        ctl("set_operator_policy", policy, "^" + policy + "$", "{\"max-length\":2}", "--apply-to", "queues").ok();
        assertTrue(ctl("list_operator_policies", "-q").ok().lines()
                .contains("/\t" + policy + "\t^" + policy + "$\tqueues\t{\"max-length\":2}\t0"));
        ctl("clear_operator_policy", policy).ok();
        assertFalse(ctl("list_operator_policies", "-s").ok().out().contains(policy));
        assertEquals(69, ctl("clear_operator_policy", policy).exitCode());
    }

    @Test
    void listingsShowQueuesExchangesBindingsChannelsAndConsumers() throws Exception {
        String vhost = newVhost();
        String queue = unique("ctl-lq");
        String exchange = unique("ctl-lx");
        String tag = unique("ctl-tag");
        Connection c = open(factory(BrokerUnderTest.shared().user(), BrokerUnderTest.shared().password(), vhost),
                unique("ctl-list"));
        Channel ch = c.createChannel();
        ch.exchangeDeclare(exchange, "direct", true);
        ch.queueDeclare(queue, true, false, false, Map.of("x-max-length", 10));
        ch.queueBind(queue, exchange, "rk", Map.of("a", "b"));
        ch.basicPublish(exchange, "rk", null, "hello".getBytes(StandardCharsets.UTF_8));
        ch.basicQos(5);
        ch.basicConsume(queue, false, tag, new DefaultConsumer(ch));

        LeveretctlProcess.Result queues = awaitCtl(r -> r.lines().contains(queue + "\t1\t1\t[{\"x-max-length\",10}]\ttrue"),
                "list_queues", "-p", vhost, "name", "messages", "consumers", "arguments", "durable");
        assertEquals(List.of("Timeout: 60.0 seconds ...", "Listing queues for vhost " + vhost + " ...",
                "name\tmessages\tconsumers\targuments\tdurable"), queues.lines().subList(0, 3));
        assertTrue(ctl("list_queues", "-p", vhost, "--no-table-headers").ok().lines().contains(queue + "\t1"));

        List<String> exchanges = ctl("list_exchanges", "-p", vhost, "-q").ok().lines();
        assertEquals("name\ttype", exchanges.get(0));
        assertTrue(exchanges.contains(exchange + "\tdirect"), exchanges.toString());
        assertTrue(exchanges.contains("amq.topic\ttopic"), exchanges.toString());
        assertTrue(ctl("list_exchanges", "-p", vhost, "-s", "name", "durable", "internal").ok().lines()
                .contains(exchange + "\ttrue\tfalse"));

        List<String> bindings = ctl("list_bindings", "-p", vhost).ok().lines();
        assertEquals("Listing bindings for vhost " + vhost + "...", bindings.get(0));
        assertTrue(bindings.contains(exchange + "\texchange\t" + queue + "\tqueue\trk\t[{\"a\",\"b\"}]"), bindings.toString());
        assertTrue(bindings.contains("\texchange\t" + queue + "\tqueue\t" + queue + "\t[]"), bindings.toString());

        LeveretctlProcess.Result consumers = awaitCtl(r -> r.out().contains(tag), "list_consumers", "-p", vhost);
        assertEquals("queue_name\tchannel_pid\tconsumer_tag\tack_required\tprefetch_count\tactive\targuments",
                consumers.lines().get(1));
        assertTrue(consumers.lines().stream().anyMatch(l -> l.startsWith(queue + "\t") && l.endsWith("\t" + tag + "\ttrue\t5\ttrue\t[]")),
                consumers.out());
        assertTrue(ctl("list_consumers", "-p", vhost, "-s", "queue_name", "consumer_tag").ok().lines()
                .contains(queue + "\t" + tag));

        LeveretctlProcess.Result channels = awaitCtl(r -> r.lines().stream().anyMatch(l -> l.endsWith("\t" + vhost + "\t5\t1")),
                "list_channels", "-s", "name", "number", "vhost", "prefetch_count", "consumer_count");
        assertTrue(channels.lines().stream().anyMatch(l -> l.matches(".* \\(1\\)\t1\t" + Pattern.quote(vhost) + "\t5\t1")),
                channels.out());

        JsonNode json = parse(ctl("list_queues", "-p", vhost, "--formatter", "json", "name", "arguments").ok().out());
        assertTrue(containsObject(json, "name", queue), json.toString());

        ctl("purge_queue", "-p", vhost, queue).ok();
        assertEquals(0, ch.queueDeclarePassive(queue).getMessageCount());
    }

    @Test
    void unknownColumnsAndCommandsAreUsageErrors() {
        LeveretctlProcess.Result badColumn = ctl("list_queues", "name", "bogus_col");
        assertEquals(64, badColumn.exitCode());
        assertTrue(badColumn.err().startsWith("Error (argument validation): Info key(s) bogus_col are not supported"),
                badColumn.err());
        LeveretctlProcess.Result unknown = ctl("no_such_command");
        assertEquals(64, unknown.exitCode());
        assertTrue(unknown.err().contains("Command 'no_such_command' not found."));
        assertEquals(0, ctl("help").exitCode());
        assertEquals(0, ctl("list_connections", "--help").exitCode());
        assertEquals(77, ctlAs(BrokerUnderTest.shared().user(), "wrong-" + UUID.randomUUID(), "list_users").exitCode());
    }

    /** The forms the RabbitMQ Java client's Host.java runs, parsed the way Host.java parses them. */
    @Test
    void hostJavaFindsAConnectionByNameAndClosesIt() throws Exception {
        String vhost = newVhost();
        String name = unique("ctl-conn");
        Connection c = open(factory(BrokerUnderTest.shared().user(), BrokerUnderTest.shared().password(), vhost), name);
        c.createChannel();
        Pattern byName = Pattern.compile("\"connection_name\",\"(?<name>[a-zA-Z0-9\\-_]+)?\"");
        LeveretctlProcess.Result listed = awaitCtl(r -> r.out().contains("\"" + name + "\""),
                "-n", "rabbit@localhost", "list_connections", "-q", "pid", "peer_port", "client_properties");
        String pid = null;
        for (String line : listed.lines()) {
            String[] cols = line.split("\t");
            int peerPort;
            try {
                peerPort = Integer.parseInt(cols[1]);
            } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
                continue; // the header row, as Host.java skips it
            }
            Matcher m = byName.matcher(cols[2]);
            if (m.find() && name.equals(m.group("name"))) {
                assertEquals(((com.rabbitmq.client.impl.AMQConnection) c).getLocalPort(), peerPort);
                pid = cols[0];
            }
        }
        assertTrue(pid != null, "no line for " + name + " in\n" + listed.out());

        assertTrue(ctl("list_connections", "-s", "vhost", "user", "protocol").ok().lines()
                .contains(vhost + "\t" + BrokerUnderTest.shared().user() + "\t{0,9,1}"));

        ctl("-n", "rabbit@localhost", "close_connection", pid, "Closed via leveretctl").ok();
        awaitClosed(c);
        ShutdownSignalException reason = c.getCloseReason();
        assertFalse(reason.isInitiatedByApplication());
        String text = reason.getReason().toString();
        assertTrue(text.contains("320") && text.contains("Closed via leveretctl"), text);
        assertEquals(0, ctl("close_connection", pid, "again").exitCode(), "a connection already gone is not an error");
    }

    @Test
    void closeAllConnectionsClosesThoseOfTheVhost() throws Exception {
        String vhost = newVhost();
        ConnectionFactory f = factory(BrokerUnderTest.shared().user(), BrokerUnderTest.shared().password(), vhost);
        Connection a = open(f, unique("ctl-all"));
        Connection b = open(f, unique("ctl-all"));
        awaitCtl(r -> r.lines().stream().filter(l -> l.equals(vhost)).count() == 2, "list_connections", "-s", "vhost");
        LeveretctlProcess.Result r = ctl("close_all_connections", "-p", vhost, "Closed via leveretctl").ok();
        assertEquals("Closing all connections in vhost " + vhost + ", reason: Closed via leveretctl...\nClosed 2 connections\n",
                r.out());
        awaitClosed(a);
        awaitClosed(b);
        assertEquals("Closed 0 connections\n", ctl("close_all_connections", "-q", "-p", unique("ctl-novhost"), "x").ok().out());
    }

    @Test
    void deleteQueueHonoursIfEmptyAndReportsMissingQueues() throws Exception {
        String queue = unique("ctl-dq");
        queuesToDelete.add(queue);
        Connection c = open(BrokerUnderTest.shared().factory(), "ctl-dq");
        Channel ch = c.createChannel();
        ch.queueDeclare(queue, false, false, false, null);
        ch.basicPublish("", queue, null, "x".getBytes(StandardCharsets.UTF_8));
        ch.basicPublish("", queue, null, "y".getBytes(StandardCharsets.UTF_8));
        awaitCtl(r -> r.lines().contains(queue + "\t2"), "list_queues", "-s");
        LeveretctlProcess.Result refused = ctl("delete_queue", queue, "--if-empty");
        assertNotEquals(0, refused.exitCode());
        assertEquals(2, ch.queueDeclarePassive(queue).getMessageCount(), "the queue stays");
        LeveretctlProcess.Result deleted = ctl("delete_queue", queue).ok();
        assertEquals("Deleting queue '" + queue + "' on vhost '/' ...\nQueue was successfully deleted with 2 ready messages\n",
                deleted.out());
        Channel probe = c.createChannel();
        assertThrows(IOException.class, () -> probe.queueDeclarePassive(queue));
        LeveretctlProcess.Result missing = ctl("delete_queue", queue);
        assertEquals(64, missing.exitCode());
        assertEquals("Error:\nQueue not found\n", missing.err());
        assertEquals(69, ctl("purge_queue", queue).exitCode());
    }

    @Test
    void definitionsExportAndImport(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        String vhost = newVhost();
        Path exported = dir.resolve("defs.json");
        assertEquals("Exporting definitions in JSON to a file at \"" + exported + "\" ...\n",
                ctl("export_definitions", exported.toString()).ok().out());
        JsonNode defs = JSON.readTree(exported.toFile());
        assertTrue(containsObject(defs.path("vhosts"), "name", vhost), "export holds the vhost we made");
        assertTrue(containsObject(parse(ctl("export_definitions", "-").ok().out()).path("vhosts"), "name", vhost));

        String queue = unique("ctl-imported");
        Path toImport = dir.resolve("import.json");
        Files.writeString(toImport, "{\"queues\":[{\"name\":\"" + queue + "\",\"vhost\":\"" + vhost + "\","
                + "\"durable\":true,\"auto_delete\":false,\"arguments\":{}}]}");
        ctl("import_definitions", toImport.toString()).ok();
        awaitCtl(r -> r.lines().contains(queue), "list_queues", "-p", vhost, "-s", "name");
        try (Connection c = factory(BrokerUnderTest.shared().user(), BrokerUnderTest.shared().password(), vhost)
                .newConnection("ctl-import")) {
            assertEquals(0, c.createChannel().queueDeclarePassive(queue).getMessageCount());
        }
        assertEquals(65, ctl("import_definitions", dir.resolve("missing.json").toString()).exitCode());
    }

    @Test
    void statusAwaitStartupAndTraceAnswer() {
        LeveretctlProcess.Result status = ctl("status").ok();
        assertTrue(status.out().startsWith("Status of node "), status.out());
        assertTrue(status.out().contains("Listeners"), status.out());
        assertEquals("", ctl("await_startup", "-t", "20").ok().out());
        String vhost = newVhost();
        LeveretctlProcess.Result on = ctl("trace_on", "-p", vhost).ok();
        assertTrue(on.out().contains("changed nothing"), on.out());
        assertTrue(ctl("trace_off", "-p", vhost, "-q").ok().out().contains("changed nothing"));
    }

    private static void awaitClosed(Connection c) {
        long deadline = System.nanoTime() + LISTING_TIMEOUT.toNanos();
        while (c.isOpen()) {
            if (System.nanoTime() > deadline) {
                fail("connection " + c + " was not closed by the broker");
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + json, e);
        }
    }

    private static boolean containsObject(JsonNode array, String field, String value) {
        for (JsonNode o : array) {
            if (value.equals(o.path(field).asText(null))) {
                return true;
            }
        }
        return false;
    }
}
