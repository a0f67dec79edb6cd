package io.leveret.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The management API's transport rules, as RabbitMQ's management plugin applies them: authentication and
 * its 401s, 404 and 405 bodies and headers, per-segment percent-decoding, trailing slashes, lenient
 * booleans, bad JSON, list parameters (columns, sort, pagination). Each status, header and body is the
 * one the reference RabbitMQ 3.10.8 sends.
 */
class ManagementTransportTest {
    private final BrokerUnderTest broker = BrokerUnderTest.shared();
    private final ManagementHttp http = ManagementHttp.of(broker);
    private final String suffix = UUID.randomUUID().toString().substring(0, 8);
    private final List<String> cleanup = new ArrayList<>();

    @AfterEach
    void deleteWhatWasMade() {
        for (String path : cleanup) {
            http.delete(path);
        }
    }

    @Test
    void noCredentialsIsABareChallenge() {
        HttpResponse<String> r = http.anonymous().get("/api/overview");
        assertEquals(401, r.statusCode());
        assertEquals("Basic realm=\"RabbitMQ Management\"", r.headers().firstValue("www-authenticate").orElse(""));
        assertEquals("", r.body());
    }

    @Test
    void wrongPasswordIsLoginFailed() {
        HttpResponse<String> r = http.as(broker.user(), "wrong-" + suffix).get("/api/overview");
        assertEquals(401, r.statusCode());
        assertEquals("Basic realm=\"RabbitMQ Management\"", r.headers().firstValue("www-authenticate").orElse(""));
        assertEquals("{\"error\":\"not_authorized\",\"reason\":\"Login failed\"}", r.body());
    }

    @Test
    void unknownPathIsNotFoundEvenWithoutCredentials() {
        assertEquals("{\"error\":\"Object Not Found\",\"reason\":\"Not Found\"}", http.get("/api/nope").body());
        HttpResponse<String> r = http.anonymous().get("/api/nope-" + suffix);
        assertEquals(404, r.statusCode());
        assertEquals("{\"error\":\"Object Not Found\",\"reason\":\"Not Found\"}", r.body());
        assertEquals(404, http.get("/api/queues/no-such-vhost-" + suffix).statusCode());
    }

    @Test
    void wrongMethodIs405WithAllowBeforeAuthentication() {
        HttpResponse<String> r = http.anonymous().post("/api/overview", "{}");
        assertEquals(405, r.statusCode());
        assertEquals("HEAD, GET, OPTIONS", r.headers().firstValue("allow").orElse(""));
        assertEquals("", r.body());
    }

    @Test
    void whoamiNamesTheUserAndTags() {
        JsonNode me = ManagementHttp.json(http.get("/api/whoami"));
        assertEquals(broker.user(), me.get("name").asText());
        assertTrue(me.get("tags").isArray(), me.toString());
    }

    @Test
    void vhostSlashIsPercentEncodedAndATrailingSlashIsIgnored() {
        JsonNode v = ManagementHttp.json(http.get("/api/vhosts/%2F/"));
        assertEquals("/", v.get("name").asText());
        assertTrue(http.get("/api/vhosts/").statusCode() == 200);
        assertEquals(404, http.get("/api/vhosts//").statusCode());
    }

    @Test
    void aNameWithASlashIsOneSegment() {
        String name = "mgmt/slash-" + suffix;
        String path = "/api/queues/%2F/mgmt%2Fslash-" + suffix;
        cleanup.add(path);
        assertEquals(201, http.put(path, "{\"durable\":false}").statusCode());
        assertEquals(name, ManagementHttp.json(http.get(path)).get("name").asText());
    }

    @Test
    void theDefaultExchangeIsAmqDefault() {
        JsonNode x = ManagementHttp.json(http.get("/api/exchanges/%2F/amq.default"));
        assertEquals("", x.get("name").asText());
        assertEquals("direct", x.get("type").asText());
        assertTrue(x.get("durable").asBoolean());
        assertEquals(401, http.delete("/api/exchanges/%2F/amq.default").statusCode());
    }

    @Test
    void booleansMayArriveAsStringsAndOtherWordsAreRefused() {
        String path = "/api/queues/%2F/mgmt-bool-" + suffix;
        cleanup.add(path);
        assertEquals(201, http.put(path, "{\"durable\":\"true\",\"auto_delete\":\"false\"}").statusCode());
        JsonNode q = ManagementHttp.json(http.get(path));
        assertTrue(q.get("durable").isBoolean() && q.get("durable").asBoolean(), q.toString());
        HttpResponse<String> r = http.put("/api/exchanges/%2F/mgmt-bool-" + suffix, "{\"durable\":\"yes\"}");
        assertEquals(400, r.statusCode());
        assertEquals("{\"error\":\"bad_request\",\"reason\":[\"not_boolean\",\"yes\"]}", r.body());
    }

    @Test
    void badJsonIsNotJson() {
        HttpResponse<String> r = http.put("/api/queues/%2F/mgmt-badjson-" + suffix, "{bad");
        assertEquals(400, r.statusCode());
        assertEquals("{\"error\":\"bad_request\",\"reason\":\"not_json\"}", r.body());
        assertEquals(404, http.get("/api/queues/%2F/mgmt-badjson-" + suffix).statusCode());
    }

    @Test
    void countsAreJsonIntegers() {
        String path = "/api/queues/%2F/mgmt-int-" + suffix;
        cleanup.add(path);
        http.put(path, "{}");
        JsonNode q = ManagementHttp.json(http.get("/api/queues/%2F?columns=name,arguments,durable"));
        for (JsonNode row : q) {
            assertEquals(3, row.size(), "only the columns asked for: " + row);
        }
        JsonNode vhost = ManagementHttp.json(http.get("/api/vhosts/%2F"));
        assertTrue(vhost.get("messages") == null || vhost.get("messages").isIntegralNumber(), vhost.toString());
    }

    @Test
    void pagesAreRabbitMqsPagedObject() {
        for (int i = 0; i < 3; i++) {
            String path = "/api/queues/%2F/mgmt-page-" + suffix + "-" + i;
            cleanup.add(path);
            assertEquals(201, http.put(path, "{}").statusCode());
        }
        JsonNode page = ManagementHttp.json(http.get("/api/queues/%2F?page=2&page_size=1&name=mgmt-page-" + suffix
                + "&columns=name&sort=name"));
        assertEquals(3, page.get("filtered_count").asInt());
        assertEquals(1, page.get("item_count").asInt());
        assertEquals(2, page.get("page").asInt());
        assertEquals(3, page.get("page_count").asInt());
        assertEquals(1, page.get("page_size").asInt());
        assertTrue(page.get("total_count").asInt() >= 3);
        assertEquals("mgmt-page-" + suffix + "-1", page.get("items").get(0).get("name").asText());

        JsonNode reversed = ManagementHttp.json(http.get("/api/queues/%2F?page=1&page_size=3&name=mgmt-page-"
                + suffix + "&sort=name&sort_reverse=true"));
        assertEquals("mgmt-page-" + suffix + "-2", reversed.get("items").get(0).get("name").asText());

        JsonNode regex = ManagementHttp.json(http.get("/api/queues/%2F?page=1&use_regex=true&name=%5Emgmt-page-"
                + suffix + "-%5B02%5D%24"));
        assertEquals(2, regex.get("filtered_count").asInt(), regex.toString());
    }

    @Test
    void badPaginationIsRefusedAsRabbitMqRefusesIt() {
        HttpResponse<String> word = http.get("/api/queues?page=x");
        assertEquals(400, word.statusCode());
        assertEquals("{\"error\":\"bad_request\",\"reason\":\"Pagination parameters are invalid\"}", word.body());
        HttpResponse<String> zero = http.get("/api/queues?page=0");
        assertEquals(400, zero.statusCode());
        assertEquals("{\"error\":\"invalid_pagination_parameters\",\"reason\":\"Invalid pagination parameters: page"
                + " number 0, page size undefined\"}", zero.body());
    }

    @Test
    void aVhostThatIsNotThereIsItsOwn404ForAPut() {
        HttpResponse<String> r = http.put("/api/exchanges/no-vhost-" + suffix + "/x", "{\"type\":\"direct\"}");
        assertEquals(404, r.statusCode());
        assertEquals("{\"error\":\"not_found\",\"reason\":\"vhost_not_found\"}", r.body());
    }

    @Test
    void keepAliveServesSeveralRequestsOnOneConnection() {
        for (int i = 0; i < 5; i++) {
            assertEquals(200, http.get("/api/overview").statusCode());
        }
    }
}
