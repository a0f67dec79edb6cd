package io.leveret.server.ctl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;

class ListingTest {
    @Test
    void noColumnsMeansRabbitmqctlsDefaults() throws CtlException {
        assertEquals(List.of("name", "messages"), ListCommands.QUEUES.select(List.of()));
        assertEquals(List.of("user", "peer_host", "peer_port", "state"), ListCommands.CONNECTIONS.select(List.of()));
        assertEquals(List.of("queue_name", "channel_pid", "consumer_tag", "ack_required", "prefetch_count", "active",
                "arguments"), ListCommands.CONSUMERS.select(List.of()));
    }

    @Test
    void columnsComeInTheOrderAskedAndMayBeCommaSeparated() throws CtlException {
        assertEquals(List.of("consumers", "name", "messages_ready"),
                ListCommands.QUEUES.select(List.of("consumers", "name,messages_ready")));
    }

    @Test
    void unknownColumnsFailTogetherSorted() {
        CtlException e = assertThrows(CtlException.class,
                () -> ListCommands.QUEUES.select(List.of("zeta", "name", "alpha")));
        assertEquals(CtlException.USAGE, e.exitCode());
        assertEquals("Info key(s) alpha,zeta are not supported", e.getMessage());
    }

    @Test
    void rowsReadNestedAndRenamedFields() throws Exception {
        JsonNode consumers = ManagementClient.JSON.readTree("[{\"queue\":{\"name\":\"q1\",\"vhost\":\"/\"},"
                + "\"channel_details\":{\"name\":\"127.0.0.1:1 -> 127.0.0.1:2 (1)\"},\"consumer_tag\":\"ct\","
                + "\"ack_required\":true,\"prefetch_count\":5,\"active\":true,\"arguments\":{}}]");
        List<String> cols = ListCommands.CONSUMERS.select(List.of());
        List<List<JsonNode>> rows = ListCommands.CONSUMERS.rows(consumers, cols);
        assertEquals(List.of("q1", "127.0.0.1:1 -> 127.0.0.1:2 (1)", "ct", "true", "5", "true", "[]"),
                rows.get(0).stream().map(Values::cell).toList());
    }

    @Test
    void bindingsNameTheirKindsAsRabbitmqctlDoes() throws Exception {
        JsonNode bindings = ManagementClient.JSON.readTree("[{\"source\":\"amq.direct\",\"destination\":\"q\","
                + "\"destination_type\":\"queue\",\"routing_key\":\"k\",\"arguments\":{\"a\":\"b\"}}]");
        List<String> cols = ListCommands.BINDINGS.select(List.of());
        assertEquals(List.of("amq.direct", "exchange", "q", "queue", "k", "[{\"a\",\"b\"}]"),
                ListCommands.BINDINGS.rows(bindings, cols).get(0).stream().map(Values::cell).toList());
    }

    @Test
    void connectionPidIsTheApiNameAndProtocolTheErlangTuple() throws Exception {
        JsonNode conns = ManagementClient.JSON.readTree("[{\"name\":\"127.0.0.1:5 -> 127.0.0.1:6\","
                + "\"protocol\":\"AMQP 0-9-1\",\"peer_port\":5}]");
        List<String> cols = ListCommands.CONNECTIONS.select(List.of("pid", "peer_port", "protocol"));
        assertEquals(List.of("127.0.0.1:5 -> 127.0.0.1:6", "5", "{0,9,1}"),
                ListCommands.CONNECTIONS.rows(conns, cols).get(0).stream().map(Values::cell).toList());
    }

    @Test
    void aMissingFieldIsAnEmptyCell() throws Exception {
        JsonNode queues = ManagementClient.JSON.readTree("[{\"name\":\"q\"}]");
        assertEquals(List.of("q", ""), ListCommands.QUEUES.rows(queues, List.of("name", "policy")).get(0).stream()
                .map(Values::cell).toList());
    }
}
