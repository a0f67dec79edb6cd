package io.leveret.server.ctl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Whole command lines against {@link FakeApi}: the requests made, what is printed where, and the exit code. */
class LeveretctlTest {
    private FakeApi api;
    private String out;
    private String err;

    @BeforeEach
    void start() throws Exception {
        api = new FakeApi();
    }

    @AfterEach
    void stop() {
        api.close();
    }

    private int run(String... args) {
        FakeApi.Ran ran = api.run(args);
        out = ran.out();
        err = ran.err();
        return ran.code();
    }

    private static final String QUEUES = "[{\"name\":\"q1\",\"messages\":3,\"consumers\":1,\"arguments\":{\"x-max-length\":10}},"
            + "{\"name\":\"q2\",\"messages\":0,\"consumers\":0,\"arguments\":{}}]";

    @Test
    void listQueuesPrintsBannersHeaderAndTabSeparatedRows() {
        api.answer("GET", "/api/queues/%2F", 200, QUEUES);
        assertEquals(0, run("list_queues"));
        assertEquals("Timeout: 60.0 seconds ...\nListing queues for vhost / ...\nname\tmessages\nq1\t3\nq2\t0\n", out);
        assertEquals("", err);
    }

    @Test
    void quietKeepsTheHeaderSilentDropsItNoTableHeadersKeepsTheBanner() {
        api.answer("GET", "/api/queues/v%2F1", 200, QUEUES);
        assertEquals(0, run("list_queues", "-p", "v/1", "-q", "name", "arguments"));
        assertEquals("name\targuments\nq1\t[{\"x-max-length\",10}]\nq2\t[]\n", out);
        assertEquals(0, run("list_queues", "-p", "v/1", "-s", "name"));
        assertEquals("q1\nq2\n", out);
        assertEquals(0, run("list_queues", "-p", "v/1", "--no-table-headers", "consumers"));
        assertEquals("Timeout: 60.0 seconds ...\nListing queues for vhost v/1 ...\n1\n0\n", out);
    }

    @Test
    void jsonFormatterPrintsOneObjectPerLine() {
        api.answer("GET", "/api/users", 200, "[{\"name\":\"guest\",\"tags\":[\"administrator\"]},{\"name\":\"b\",\"tags\":\"x,y\"}]");
        assertEquals(0, run("list_users", "--formatter", "json"));
        assertEquals("[\n{\"user\":\"guest\",\"tags\":[\"administrator\"]}\n,{\"user\":\"b\",\"tags\":[\"x\",\"y\"]}\n]\n", out);
    }

    @Test
    void emptyListingsPrintWhatRabbitmqctlPrints() {
        api.answer("GET", "/api/policies/%2F", 200, "[]").answer("GET", "/api/connections", 200, "[]");
        assertEquals(0, run("list_policies"));
        assertEquals("Listing policies for vhost \"/\" ...\n\n", out);
        assertEquals(0, run("list_connections"));
        assertEquals("Listing connections ...\n", out);
    }

    @Test
    void unknownColumnIsAUsageErrorBeforeAnyRequest() {
        assertEquals(64, run("list_queues", "name", "nope"));
        assertTrue(err.startsWith("Error (argument validation): Info key(s) nope are not supported\n"), err);
        assertTrue(api.requests.isEmpty());
    }

    @Test
    void addUserRefusesAnExistingUserInsteadOfOverwritingIt() {
        api.answer("GET", "/api/users/bob", 200, "{\"name\":\"bob\",\"tags\":[]}");
        assertEquals(70, run("add_user", "bob", "secret"));
        assertEquals("Error:\nUser \"bob\" already exists\n", err);
        assertTrue(api.requests.stream().noneMatch(r -> r.method().equals("PUT")));
    }

    @Test
    void addUserPutsPasswordAndNoTags() {
        api.answer("PUT", "/api/users/bob", 201, "");
        assertEquals(0, run("-q", "add_user", "bob", "secret"));
        FakeApi.Request put = api.requests.get(api.requests.size() - 1);
        assertEquals("{\"password\":\"secret\",\"tags\":\"\"}", put.body());
        assertEquals("Basic " + Base64.getEncoder().encodeToString("guest:guest".getBytes(StandardCharsets.UTF_8)),
                put.authorization());
        assertEquals("", out);
    }

    @Test
    void setUserTagsKeepsThePasswordHash() {
        api.answer("GET", "/api/users/bob", 200, "{\"name\":\"bob\",\"password_hash\":\"H\","
                + "\"hashing_algorithm\":\"rabbit_password_hashing_sha256\",\"tags\":[]}")
                .answer("PUT", "/api/users/bob", 204, "");
        assertEquals(0, run("set_user_tags", "bob", "administrator", "impersonator"));
        assertEquals("Setting tags for user \"bob\" to [administrator, impersonator] ...\n", out);
        assertEquals("{\"password_hash\":\"H\",\"tags\":\"administrator,impersonator\","
                + "\"hashing_algorithm\":\"rabbit_password_hashing_sha256\"}", api.requests.get(1).body());
    }

    @Test
    void deletingAMissingUserExits67() {
        assertEquals(67, run("delete_user", "ghost"));
        assertEquals("Error:\nUser \"ghost\" does not exist\n", err);
    }

    @Test
    void setPermissionsNamesWhatIsMissing() {
        api.answer("PUT", "/api/permissions/%2F/ghost", 400, "{\"error\":\"bad_request\",\"reason\":\"vhost_or_user_not_found\"}");
        assertEquals(67, run("set_permissions", "ghost", ".*", ".*", ".*"));
        assertEquals("Error:\nUser ghost does not exist\n", err);
        api.answer("PUT", "/api/permissions/nov/guest", 400, "{\"error\":\"bad_request\",\"reason\":\"vhost_or_user_not_found\"}")
                .answer("GET", "/api/users/guest", 200, "{}");
        assertEquals(69, run("set_permissions", "-p", "nov", "guest", ".*", ".*", ".*"));
        assertEquals("Error:\nVirtual host nov does not exist\n", err);
    }

    @Test
    void setPolicySendsParsedDefinitionPriorityAndApplyTo() throws Exception {
        api.answer("PUT", "/api/policies/%2F/p1", 201, "");
        assertEquals(0, run("set_policy", "--priority", "1", "p1", "^q", "{\"max-length\":5}", "--apply-to", "queues"));
        assertEquals(ManagementClient.JSON.readTree("{\"pattern\":\"^q\",\"priority\":1,\"definition\":{\"max-length\":5},"
                + "\"apply-to\":\"queues\"}"), ManagementClient.JSON.readTree(api.requests.get(0).body()));
        assertEquals("Setting policy \"p1\" for pattern \"^q\" to \"{\"max-length\":5}\" with priority \"1\" for vhost \"/\" ...\n", out);
    }

    @Test
    void setPolicyRefusesBadJsonWithoutARequest() {
        assertEquals(69, run("set_policy", "p1", "^q", "{bad"));
        assertTrue(err.startsWith("Error:\nJSON decoding error."), err);
        assertTrue(api.requests.isEmpty());
    }

    @Test
    void closeConnectionPassesTheReasonAndToleratesAGoneConnection() {
        assertEquals(0, run("close_connection", "127.0.0.1:5 -> 127.0.0.1:6", "Closed via rabbitmqctl"));
        FakeApi.Request r = api.requests.get(0);
        assertEquals("DELETE", r.method());
        assertEquals("/api/connections/127.0.0.1%3A5%20-%3E%20127.0.0.1%3A6", r.path());
        assertEquals("Closed via rabbitmqctl", r.reason());
    }

    @Test
    void closeAllConnectionsHonoursTheLimit() {
        api.answer("GET", "/api/vhosts/v1/connections", 200, "[{\"name\":\"a\"},{\"name\":\"b\"},{\"name\":\"c\"}]")
                .answer("DELETE", "/api/connections/a", 204, "").answer("DELETE", "/api/connections/b", 204, "");
        assertEquals(0, run("close_all_connections", "-p", "v1", "--limit", "2", "bye"));
        assertEquals("Closing all connections in vhost v1, reason: bye...\nClosed 2 connections\n", out);
    }

    @Test
    void deleteQueueWithConditionsReportsReadyMessages() {
        api.answer("GET", "/api/queues/%2F/q1", 200, "{\"name\":\"q1\",\"messages_ready\":0}")
                .answer("DELETE", "/api/queues/%2F/q1?if-empty=true&if-unused=true", 204, "");
        assertEquals(0, run("delete_queue", "q1", "--if-empty", "--if-unused"));
        assertEquals("Deleting queue 'q1' on vhost '/' if queue is empty and if queue is unused ...\n"
                + "Queue was successfully deleted with 0 ready messages\n", out);
        assertEquals(64, run("delete_queue", "nope"));
        assertEquals("Error:\nQueue not found\n", err);
    }

    @Test
    void deleteVhostThatIsMissingExits65WithoutErrorPrefix() {
        assertEquals(65, run("delete_vhost", "nov"));
        assertEquals("Virtual host 'nov' does not exist\n", err);
    }

    @Test
    void wrongCredentialsExit77() {
        api.answer("GET", "/api/users", 401, "{\"error\":\"not_authorised\",\"reason\":\"Login failed\"}");
        assertEquals(77, run("list_users"));
        assertTrue(err.contains("Login failed"), err);
    }

    @Test
    void anUnreachableApiExits69() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        int code = Leveretctl.run(new String[] {"--url", "http://127.0.0.1:" + port, "list_users"}, Map.of(),
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(e, true, StandardCharsets.UTF_8));
        assertEquals(69, code);
        assertTrue(e.toString(StandardCharsets.UTF_8).contains("cannot be reached"));
    }

    @Test
    void helpExitsZeroAndUnknownCommandsExit64() {
        assertEquals(0, run("set_topic_permissions", "--help"));
        assertTrue(out.contains("set_topic_permissions [--vhost <vhost>] <username> <exchange> <write> <read>"), out);
        assertEquals(0, run("help", "list_queues"));
        assertTrue(out.contains("columns: name, durable"), out);
        assertEquals(0, run("--help"));
        assertTrue(out.contains("close_all_connections"), out);
        assertEquals(64, run("nonsense"));
        assertTrue(err.contains("Command 'nonsense' not found."), err);
        assertTrue(api.requests.isEmpty());
    }

    @Test
    void argumentCountsAndForeignOptionsAreUsageErrors() {
        assertEquals(64, run("add_user", "a", "b", "c"));
        assertTrue(err.startsWith("Error (argument validation): too many arguments."), err);
        assertEquals(64, run("set_permissions", "bob"));
        assertTrue(err.startsWith("Error (argument validation): not enough arguments."), err);
        assertEquals(64, run("list_users", "--if-empty"));
        assertEquals(64, run("list_users", "--formatter", "erlang"));
        assertTrue(api.requests.isEmpty());
    }

    @Test
    void traceOnSaysItChangesNothing() {
        assertEquals(0, run("trace_on", "-p", "v1"));
        assertEquals("Starting tracing for vhost \"v1\" ...\nLeveret has no firehose tracer: trace_on changed nothing for vhost v1\n", out);
        assertTrue(api.requests.isEmpty());
    }

    @Test
    void addVhostTakesBackTheApisGrantToItsCreatorOnlyForANewVhost() {
        api.answer("PUT", "/api/vhosts/v1", 201, "").answer("DELETE", "/api/permissions/v1/guest", 204, "");
        assertEquals(0, run("add_vhost", "v1", "--description", "d"));
        assertEquals(List.of("GET /api/vhosts/v1", "PUT /api/vhosts/v1", "DELETE /api/permissions/v1/guest"),
                api.requests.stream().map(r -> r.method() + " " + r.path()).toList());
        assertEquals("{\"description\":\"d\"}", api.requests.get(1).body());
        api.requests.clear();
        api.answer("GET", "/api/vhosts/v1", 200, "{\"name\":\"v1\"}");
        assertEquals(0, run("add_vhost", "v1"));
        assertEquals(List.of("GET /api/vhosts/v1", "PUT /api/vhosts/v1"),
                api.requests.stream().map(r -> r.method() + " " + r.path()).toList());
    }
}
