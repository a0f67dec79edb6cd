package io.leveret.server.ctl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** leveretctl cluster_status from /api/overview and /api/nodes, in rabbitmqctl 3.10.8's sections and JSON keys. */
class ClusterStatusTest {
    private static final String OVERVIEW = "{\"node\":\"leveret@h2\",\"cluster_name\":\"demo\","
            + "\"rabbitmq_version\":\"3.10.8\",\"leveret_version\":\"0.1.0\",\"erlang_full_version\":\"Leveret on Java 17\"}";
    private static final String NODES = "[{\"name\":\"leveret@h1\",\"type\":\"disc\",\"running\":false},"
            + "{\"name\":\"leveret@h2\",\"type\":\"disc\",\"running\":true,\"mem_alarm\":true,\"disk_free_alarm\":false},"
            + "{\"name\":\"leveret@h3\",\"type\":\"disc\",\"running\":true}]";

    private FakeApi api;

    @BeforeEach
    void start() throws Exception {
        api = new FakeApi().answer("GET", "/api/overview", 200, OVERVIEW).answer("GET", "/api/nodes", 200, NODES);
    }

    @AfterEach
    void stop() {
        api.close();
    }

    @Test
    void listsEveryNodeAsADiscNodeAndTheRunningOnesApart() {
        FakeApi.Ran ran = api.run("cluster_status");
        assertEquals(0, ran.code(), ran.err());
        assertEquals("""
                Cluster status of node leveret@h2 ...
                Basics

                Cluster name: demo

                Disk Nodes

                leveret@h1
                leveret@h2
                leveret@h3

                Running Nodes

                leveret@h2
                leveret@h3

                Versions

                leveret@h2: RabbitMQ 3.10.8 on Leveret on Java 17

                Alarms

                Memory alarm on node leveret@h2

                Network Partitions

                (none)
                """, ran.out());
    }

    @Test
    void jsonHasRabbitMqsKeys() {
        FakeApi.Ran ran = api.run("cluster_status", "--formatter", "json");
        assertEquals(0, ran.code(), ran.err());
        assertEquals("{\"alarms\":[{\"node\":\"leveret@h2\",\"resource\":\"memory\",\"type\":\"resource_limit\"}],\"cluster_name\":\"demo\","
                + "\"disk_nodes\":[\"leveret@h1\",\"leveret@h2\",\"leveret@h3\"],\"partitions\":{},\"ram_nodes\":[],"
                + "\"running_nodes\":[\"leveret@h2\",\"leveret@h3\"],\"versions\":{\"leveret@h2\":{\"rabbitmq_name\":"
                + "\"RabbitMQ\",\"rabbitmq_version\":\"3.10.8\",\"leveret_version\":\"0.1.0\"}}}\n", ran.out());
    }
}
