package io.leveret.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A user tagged only {@code management} with permissions on names starting {@code ok-}: what the API lets it
 * see and do, and RabbitMQ's refusals. Against Leveret the user is a private broker's default_user with those
 * tags and permissions; against an external broker it is made (and removed) through /api/users.
 */
class ManagementPermissionsTest {
    private final String suffix = UUID.randomUUID().toString().substring(0, 8);
    private BrokerUnderTest broker;
    private ManagementHttp admin;
    private ManagementHttp user;
    private String userName;

    @BeforeEach
    void start() {
        if (BrokerUnderTest.isExternal()) {
            broker = BrokerUnderTest.shared();
            admin = ManagementHttp.of(broker);
            userName = "mgmt-user-" + suffix;
            assertEquals(201, admin.put("/api/users/" + userName, "{\"password\":\"pw\",\"tags\":\"management\"}")
                    .statusCode());
            assertEquals(201, admin.put("/api/permissions/%2F/" + userName,
                    "{\"configure\":\"^ok-.*\",\"write\":\"^ok-.*\",\"read\":\"^ok-.*\"}").statusCode());
            user = admin.as(userName, "pw");
        } else {
            userName = "mgmt-user-" + suffix;
            broker = BrokerUnderTest.startLeveret("default_user = " + userName + "\ndefault_pass = pw\n"
                    + "default_user_tags.management = true\ndefault_permissions.configure = ^ok-.*\n"
                    + "default_permissions.write = ^ok-.*\ndefault_permissions.read = ^ok-.*\n");
            user = new ManagementHttp(broker.managementUri(), userName, "pw");
            admin = null;
        }
    }

    @AfterEach
    void stop() {
        user.delete("/api/queues/%2F/ok-" + suffix);
        if (admin != null) {
            admin.delete("/api/users/" + userName);
        } else {
            broker.stopAndDelete();
        }
    }

    @Test
    void tagsLimitWhatTheUserSees() {
        assertEquals("{\"error\":\"not_authorised\",\"reason\":\"Not monitor user\"}", user.get("/api/nodes").body());
        assertEquals("{\"error\":\"not_authorised\",\"reason\":\"Not administrator user\"}",
                user.get("/api/definitions").body());
        JsonNode vhosts = ManagementHttp.json(user.get("/api/vhosts?columns=name"));
        assertEquals("[{\"name\":\"/\"}]", vhosts.toString());
        HttpResponse<String> other = user.put("/api/vhosts/v-" + suffix, null);
        assertEquals(401, other.statusCode());
    }

    @Test
    void permissionsLimitWhatTheUserChanges() {
        assertEquals("{\"error\":\"not_authorised\",\"reason\":\"Access refused.\"}",
                user.put("/api/queues/%2F/no-" + suffix, "{}").body());
        assertEquals(201, user.put("/api/queues/%2F/ok-" + suffix, "{}").statusCode());
        assertEquals(401, user.post("/api/bindings/%2F/e/amq.direct/q/ok-" + suffix, "{}").statusCode());
        HttpResponse<String> publish = user.post("/api/exchanges/%2F/amq.direct/publish",
                "{\"routing_key\":\"x\",\"payload\":\"\",\"payload_encoding\":\"string\",\"properties\":{}}");
        assertEquals(400, publish.statusCode());
        assertEquals("{\"error\":\"bad_request\",\"reason\":\"403 ACCESS_REFUSED - access to exchange 'amq.direct' in"
                + " vhost '/' refused for user '" + userName + "'\"}", publish.body());
        assertEquals("[]", user.post("/api/queues/%2F/ok-" + suffix + "/get",
                "{\"count\":1,\"ackmode\":\"ack_requeue_true\",\"encoding\":\"auto\"}").body());
        assertEquals(204, user.delete("/api/queues/%2F/ok-" + suffix).statusCode());
    }
}
