package io.leveret.server.ctl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class ValuesTest {
    private static JsonNode json(String s) throws Exception {
        return ManagementClient.JSON.readTree(s);
    }

    @Test
    void scalarsPrintBare() throws Exception {
        assertEquals("q1", Values.cell(json("\"q1\"")));
        assertEquals("42", Values.cell(json("42")));
        assertEquals("0.5", Values.cell(json("0.5")));
        assertEquals("true", Values.cell(json("true")));
        assertEquals("", Values.cell(json("null")));
        assertEquals("", Values.cell(MissingNode.getInstance()));
    }

    @Test
    void aListOfNamesPrintsAsRabbitmqctlPrintsTags() throws Exception {
        assertEquals("[administrator]", Values.cell(json("[\"administrator\"]")));
        assertEquals("[a, b]", Values.cell(json("[\"a\",\"b\"]")));
        assertEquals("[]", Values.cell(json("[]")));
    }

    @Test
    void anAmqpTablePrintsAsAnErlangTermWithoutSpaces() throws Exception {
        assertEquals("[]", Values.cell(json("{}")));
        assertEquals("[{\"x-max-length\",10}]", Values.cell(json("{\"x-max-length\":10}")));
        assertEquals("[{\"a\",\"b\"},{\"n\",[{\"t\",true}]},{\"l\",[1,\"x\"]}]",
                Values.cell(json("{\"a\":\"b\",\"n\":{\"t\":true},\"l\":[1,\"x\"]}")));
        assertEquals("[{\"q\",\"say \\\"hi\\\"\"}]", Values.cell(json("{\"q\":\"say \\\"hi\\\"\"}")));
    }

    /** The RabbitMQ Java client's Host.listConnections finds a connection by name with exactly this regex. */
    @Test
    void clientPropertiesMatchTheJavaClientSuitesRegex() throws Exception {
        String cell = Values.cell(json("{\"capabilities\":{\"basic.nack\":true},\"connection_name\":\"conn-1_x\","
                + "\"product\":\"RabbitMQ\"}"));
        Matcher m = Pattern.compile("\"connection_name\",\"(?<name>[a-zA-Z0-9\\-_]+)?\"").matcher(cell);
        assertTrue(m.find(), cell);
        assertEquals("conn-1_x", m.group("name"));
    }

    @Test
    void jsonFormatterTypesTableFieldsAsRabbitmqctlDoes() throws Exception {
        assertEquals("[[\"x-max-length\",\"signedint\",10],[\"a\",\"longstr\",\"b\"],[\"big\",\"long\",5000000000]]",
                Output.typedTable(json("{\"x-max-length\":10,\"a\":\"b\",\"big\":5000000000}")).toString());
    }
}
