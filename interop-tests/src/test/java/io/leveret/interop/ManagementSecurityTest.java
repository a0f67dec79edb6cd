package io.leveret.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.rabbitmq.http.client.Client;
import com.rabbitmq.http.client.ClientParameters;
import com.rabbitmq.http.client.domain.PolicyInfo;
import com.rabbitmq.http.client.domain.TopicPermissions;
import com.rabbitmq.http.client.domain.UserInfo;
import com.rabbitmq.http.client.domain.UserPermissions;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Users, permissions, topic permissions, policies, operator policies and limits through the management
 * API: Hop for what it covers, plain HTTP for the rest and for the error bodies. Every expectation is what
 * RabbitMQ 3.10.8 answered; the suite runs against Leveret and the reference alike.
 */
class ManagementSecurityTest {
    private final BrokerUnderTest broker = BrokerUnderTest.shared();
    private final String suffix = UUID.randomUUID().toString().substring(0, 8);
    private final String user = "sec-u-" + suffix;
    private final String other = "sec-o-" + suffix;
    private final String policy = "sec-p-" + suffix;
    private Client hop;
    private ManagementHttp http;

    @BeforeEach
    void connect() throws Exception {
        hop = new Client(new ClientParameters().url(broker.managementUri() + "/api/").username(broker.user())
                .password(broker.password()));
        http = ManagementHttp.of(broker);
    }

    @AfterEach
    void cleanUp() {
        http.delete("/api/users/" + user);
        http.delete("/api/users/" + other);
        http.delete("/api/policies/%2F/" + policy);
        http.delete("/api/operator-policies/%2F/" + policy);
        http.delete("/api/vhost-limits/%2F/max-queues");
    }

    private static void assertError(HttpResponse<String> r, int status, String error, String reason) {
        assertEquals(status, r.statusCode(), r::body);
        JsonNode body = ManagementHttp.json(r);
        assertEquals(error, body.path("error").asText(), r::body);
        assertEquals(reason, body.path("reason").isTextual() ? body.path("reason").asText() : body.path("reason")
                .toString(), r::body);
    }

    @Test
    void usersAddedChangedListedAndDeleted() {
        hop.createUser(user, "pw".toCharArray(), List.of("management", "policymaker"));
        UserInfo u = hop.getUser(user);
        assertEquals(List.of("management", "policymaker"), u.getTags());
        assertEquals("rabbit_password_hashing_sha256", u.getHashingAlgorithm());
        hop.updateUser(user, "pw2".toCharArray(), List.of("monitoring"));
        assertEquals(List.of("monitoring"), hop.getUser(user).getTags());
        assertTrue(hop.getUsers().stream().anyMatch(x -> x.getName().equals(user)));
        // Tags as the comma string of RabbitMQ before 3.9; answered 204 since the user exists.
        assertEquals(204, http.put("/api/users/" + user, "{\"password\":\"pw\",\"tags\":\"administrator, management\"}")
                .statusCode());
        assertEquals(List.of("administrator", "management"), hop.getUser(user).getTags());
        hop.deleteUser(user);
        assertNull(hop.getUser(user));
    }

    @Test
    void aPasswordHashInRabbitMqsFormatIsKeptAsGiven() {
        String hash = "kI3GCqW5JLMJa4iX1lo7X4D6XbYqlLgxIs30+P6tENUV2POR";
        assertEquals(201, http.put("/api/users/" + user, "{\"password_hash\":\"" + hash
                + "\",\"hashing_algorithm\":\"rabbit_password_hashing_sha512\",\"tags\":[\"a\",\"b\"]}").statusCode());
        JsonNode u = ManagementHttp.json(http.get("/api/users/" + user));
        assertEquals(hash, u.path("password_hash").asText());
        assertEquals("rabbit_password_hashing_sha512", u.path("hashing_algorithm").asText());
        assertEquals("[\"a\",\"b\"]", u.path("tags").toString());
        assertEquals("{}", u.path("limits").toString());
    }

    @Test
    void userErrorsAreRabbitMqs() {
        assertError(http.put("/api/users/" + user, "{\"password_hash\":\"xyz\",\"tags\":\"\"}"), 400, "bad_request",
                "[\"not_base64\",\"xyz\"]");
        assertError(http.put("/api/users/" + user, "{}"), 400, "bad_request", "tags_not_present");
        assertError(http.get("/api/users/" + user), 404, "Object Not Found", "Not Found");
        assertError(http.delete("/api/users/" + user), 404, "Object Not Found", "Not Found");
    }

    @Test
    void bulkDeleteDeletesTheUsersThereAndNamesOneThatIsNot() {
        hop.createUser(user, "pw".toCharArray(), List.of());
        hop.createUser(other, "pw".toCharArray(), List.of());
        assertEquals(204, http.post("/api/users/bulk-delete", "{\"users\":[\"" + user + "\",\"" + other + "\"]}")
                .statusCode());
        assertNull(hop.getUser(user));
        assertNull(hop.getUser(other));
        hop.createUser(user, "pw".toCharArray(), List.of());
        assertError(http.post("/api/users/bulk-delete", "{\"users\":[\"" + user + "\",\"" + other + "\"]}"), 400,
                "bad_request", "[\"no_such_user\",\"" + other + "\"]");
        assertNull(hop.getUser(user));
    }

    @Test
    void withoutPermissionsListsOnlyUsersWithNone() {
        hop.createUser(user, "pw".toCharArray(), List.of());
        hop.createUser(other, "pw".toCharArray(), List.of());
        hop.updatePermissions("/", other, new UserPermissions(".*", ".*", ".*"));
        JsonNode rows = ManagementHttp.json(http.get("/api/users/without-permissions"));
        List<String> names = rows.findValuesAsText("name");
        assertTrue(names.contains(user), rows::toString);
        assertTrue(!names.contains(other), rows::toString);
    }

    @Test
    void permissionsSetListedAndCleared() {
        hop.createUser(user, "pw".toCharArray(), List.of());
        assertEquals(201, http.put("/api/permissions/%2F/" + user,
                "{\"configure\":\"^c\",\"write\":\"\",\"read\":\"x\"}").statusCode());
        UserPermissions p = hop.getPermissions("/", user);
        assertEquals("^c", p.getConfigure());
        assertEquals("", p.getWrite());
        assertEquals("x", p.getRead());
        assertEquals(1, hop.getPermissionsOf(user).size());
        assertTrue(hop.getPermissionsIn("/").stream().anyMatch(x -> x.getUser().equals(user)));
        assertTrue(hop.getPermissions().stream().anyMatch(x -> x.getUser().equals(user)));
        assertEquals(204, http.put("/api/permissions/%2F/" + user,
                "{\"configure\":\".*\",\"write\":\".*\",\"read\":\".*\"}").statusCode());
        hop.clearPermissions("/", user);
        assertNull(hop.getPermissions("/", user));
        assertError(http.delete("/api/permissions/%2F/" + user), 404, "Object Not Found", "Not Found");
    }

    @Test
    void permissionErrorsAreRabbitMqs() {
        assertError(http.put("/api/permissions/%2F/" + user, "{\"configure\":\".*\",\"write\":\"\",\"read\":\"\"}"),
                400, "bad_request", "vhost_or_user_not_found");
        hop.createUser(user, "pw".toCharArray(), List.of());
        assertError(http.put("/api/permissions/no-vhost-" + suffix + "/" + user,
                "{\"configure\":\".*\",\"write\":\"\",\"read\":\"\"}"), 400, "bad_request", "vhost_or_user_not_found");
        assertError(http.put("/api/permissions/%2F/" + user, "{\"configure\":\".*\"}"), 400, "bad_request",
                "[{key_missing,write},{key_missing,read}]");
        assertError(http.put("/api/topic-permissions/%2F/" + user, "{\"write\":\"^a\",\"read\":\".*\"}"), 400,
                "bad_request", "[{key_missing,exchange}]");
    }

    @Test
    void topicPermissionsSetListedAndCleared() {
        hop.createUser(user, "pw".toCharArray(), List.of());
        TopicPermissions tp = new TopicPermissions();
        tp.setExchange("amq.topic");
        tp.setWrite("^a");
        tp.setRead(".*");
        hop.updateTopicPermissions("/", user, tp);
        List<TopicPermissions> mine = hop.getTopicPermissions("/", user);
        assertEquals(1, mine.size());
        assertEquals("amq.topic", mine.get(0).getExchange());
        assertEquals("^a", mine.get(0).getWrite());
        assertEquals(1, hop.getTopicPermissionsOf(user).size());
        assertTrue(hop.getTopicPermissionsIn("/").stream().anyMatch(t -> t.getUser().equals(user)));
        hop.clearTopicPermissions("/", user);
        assertError(http.get("/api/topic-permissions/%2F/" + user), 404, "Object Not Found", "Not Found");
    }

    @Test
    void policiesAndOperatorPoliciesDeclaredListedAndDeleted() {
        hop.declarePolicy("/", policy, new PolicyInfo("^" + policy, 3, "queues", Map.of("max-length", 5)));
        PolicyInfo p = hop.getPolicies("/").stream().filter(x -> x.getName().equals(policy)).findFirst().orElseThrow();
        assertEquals(3, p.getPriority());
        assertEquals("queues", p.getApplyTo());
        assertEquals(5, ((Number) p.getDefinition().get("max-length")).intValue());
        JsonNode one = ManagementHttp.json(http.get("/api/policies/%2F/" + policy));
        assertEquals("{\"vhost\":\"/\",\"name\":\"" + policy + "\",\"pattern\":\"^" + policy
                + "\",\"apply-to\":\"queues\",\"definition\":{\"max-length\":5},\"priority\":3}", one.toString());
        hop.declareOperatorPolicy("/", policy, new PolicyInfo("^" + policy, 0, "queues", Map.of("message-ttl", 1000)));
        assertTrue(hop.getOperatorPolicies("/").stream().anyMatch(x -> x.getName().equals(policy)));
        hop.deleteOperatorPolicy("/", policy);
        hop.deletePolicy("/", policy);
        assertTrue(hop.getPolicies("/").stream().noneMatch(x -> x.getName().equals(policy)));
        assertError(http.delete("/api/policies/%2F/" + policy), 404, "Object Not Found", "Not Found");
    }

    @Test
    void policyErrorsAreRabbitMqsHtmlEscapedForPoliciesOnly() {
        String path = "/api/policies/%2F/" + policy;
        assertError(http.put(path, "{\"pattern\":\"^p\",\"definition\":{\"max-length\":\"x\"}}"), 400, "bad_request",
                "Validation failed\n\n&lt;&lt;\"x\"&gt;&gt; is not a valid maximum length\n");
        assertError(http.put(path, "{\"pattern\":\"^p\",\"definition\":{\"foo\":1}}"), 400, "bad_request",
                "Validation failed\n\n[{&lt;&lt;\"foo\"&gt;&gt;,1}] are not recognised policy settings\n");
        assertError(http.put(path, "{\"definition\":{\"max-length\":1}}"), 400, "bad_request",
                "[{key_missing,pattern}]");
        assertError(http.put(path, "{\"pattern\":\"x\",\"definition\":{\"max-length\":1},\"apply-to\":\"foo\"}"), 400,
                "bad_request", "Validation failed\n\napply-to 'foo' unrecognised; should be 'queues', 'exchanges' or 'all'\n");
        assertError(http.put(path, "{\"pattern\":\"x\",\"definition\":{\"max-length\":1},\"priority\":\"3\"}"), 400,
                "bad_request", "Validation failed\n\npriority should be a number, actually was &lt;&lt;\"3\"&gt;&gt;\n");
        assertError(http.put("/api/policies/no-vhost-" + suffix + "/" + policy,
                "{\"pattern\":\"x\",\"definition\":{\"max-length\":1}}"), 404, "not_found", "vhost_not_found");
        assertError(http.put("/api/operator-policies/%2F/" + policy,
                "{\"pattern\":\"^o\",\"definition\":{\"max-length\":5,\"dead-letter-exchange\":\"x\"}}"), 400,
                "bad_request", "Validation failed\n\n[{<<\"dead-letter-exchange\">>,<<\"x\">>}] are not recognised policy settings\n");
    }

    @Test
    void vhostLimitsSetListedAndCleared() {
        hop.limitMaxNumberOfQueues("/", 1000);
        assertEquals(1000, hop.getVhostLimits("/").getMaxQueues());
        assertEquals("[{\"vhost\":\"/\",\"value\":{\"max-queues\":1000}}]",
                ManagementHttp.json(http.get("/api/vhost-limits/%2F")).toString());
        assertError(http.put("/api/vhost-limits/%2F/max-foo", "{\"value\":1}"), 400, "bad_request",
                "Validation failed\n\nUnrecognised terms [{<<\"max-foo\">>,1}] in limits\n");
        assertError(http.put("/api/vhost-limits/%2F/max-queues", "{}"), 400, "bad_request", "[{key_missing,value}]");
        hop.clearMaxQueuesLimit("/");
        assertEquals(-1, hop.getVhostLimits("/").getMaxQueues());
        // A limit that is not set deletes with 204 all the same.
        assertEquals(204, http.delete("/api/vhost-limits/%2F/max-queues").statusCode());
    }

    @Test
    void userLimitsSetListedAndCleared() {
        hop.createUser(user, "pw".toCharArray(), List.of());
        assertEquals(204, http.put("/api/user-limits/" + user + "/max-connections", "{\"value\":3}").statusCode());
        assertEquals("[{\"user\":\"" + user + "\",\"value\":{\"max-connections\":3}}]",
                ManagementHttp.json(http.get("/api/user-limits/" + user)).toString());
        assertEquals("{\"max-connections\":3}", ManagementHttp.json(http.get("/api/users/" + user)).path("limits")
                .toString());
        assertError(http.put("/api/user-limits/" + user + "/max-foo", "{\"value\":3}"), 400, "bad_request",
                "Unrecognised terms [{<<\"max-foo\">>,3}] in user-limits");
        assertError(http.put("/api/user-limits/" + user + "/max-channels", "{\"value\":\"x\"}"), 400, "bad_request",
                "max-channels should be a number, actually was <<\"x\">>");
        assertEquals(204, http.delete("/api/user-limits/" + user + "/max-connections").statusCode());
        assertEquals("[]", ManagementHttp.json(http.get("/api/user-limits/" + user)).toString());
    }

    @Test
    void anUnknownParameterComponentIsRefusedAsInRabbitMq() {
        assertEquals("[]", ManagementHttp.json(http.get("/api/parameters/no-such-component")).toString());
        assertError(http.put("/api/parameters/no-such-component/%2F/x", "{\"value\":1}"), 400, "bad_request",
                "Validation failed\n\ncomponent no-such-component not found\n");
    }

    @Test
    void usersAndPermissionsNeedTheAdministratorTag() {
        hop.createUser(user, "pw".toCharArray(), List.of("management", "policymaker"));
        hop.updatePermissions("/", user, new UserPermissions(".*", ".*", ".*"));
        ManagementHttp asUser = http.as(user, "pw");
        // The error's spelling is the API skeleton's business (RabbitMQ says "not_authorised" here); the reason is ours.
        for (String path : List.of("/api/users", "/api/permissions")) {
            HttpResponse<String> r = asUser.get(path);
            assertEquals(401, r.statusCode(), path);
            assertEquals("Not administrator user", ManagementHttp.json(r).path("reason").asText(), path);
        }
        assertEquals(200, asUser.get("/api/policies/%2F").statusCode());
        assertEquals(200, asUser.get("/api/user-limits").statusCode());
        assertEquals(200, asUser.get("/api/operator-policies").statusCode());
        HttpResponse<String> op = asUser.put("/api/operator-policies/%2F/" + policy,
                "{\"pattern\":\"^o\",\"definition\":{\"max-length\":5}}");
        assertEquals(401, op.statusCode());
        assertEquals("Not administrator user", ManagementHttp.json(op).path("reason").asText());
        hop.updateUser(user, "pw".toCharArray(), List.of("management"));
        assertEquals(200, asUser.get("/api/policies/%2F").statusCode(), "reading policies needs no policymaker");
        assertEquals(401, asUser.put("/api/policies/%2F/" + policy, "{\"pattern\":\"x\",\"definition\":"
                + "{\"max-length\":1}}").statusCode());
    }
}
