package io.leveret.server.ctl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * set_vm_memory_high_watermark, set_disk_free_limit, stop_app, start_app and eval against {@link FakeApi}: the
 * /api/leveret requests they make, and rabbitmqctl 3.10.8's refusals (exit 64 for the wrong number of arguments,
 * 65 for a bad value, both with the usage) for bad input, which makes no request at all.
 */
class RuntimeCommandsTest {
    private FakeApi api;
    private String out;
    private String err;

    @BeforeEach
    void start() throws Exception {
        api = new FakeApi()
                .answer("PUT", "/api/leveret/vm-memory-high-watermark", 204, "")
                .answer("PUT", "/api/leveret/disk-free-limit", 204, "")
                .answer("PUT", "/api/leveret/alarms/memory", 204, "")
                .answer("DELETE", "/api/leveret/alarms/memory", 204, "")
                .answer("PUT", "/api/leveret/alarms/disk", 204, "")
                .answer("DELETE", "/api/leveret/alarms/disk", 204, "")
                .answer("POST", "/api/leveret/app/stop", 204, "")
                .answer("POST", "/api/leveret/app/start", 204, "");
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

    private FakeApi.Request onlyRequest() {
        assertEquals(1, api.requests.size(), () -> "requests: " + api.requests);
        return api.requests.get(0);
    }

    @Test
    void aFractionIsSentAsTheRelativeWatermark() {
        assertEquals(0, run("set_vm_memory_high_watermark", "0.000000001"));
        assertEquals("Setting memory threshold on " + api.url() + " to 0.000000001 ...\n", out);
        FakeApi.Request r = onlyRequest();
        assertEquals("PUT /api/leveret/vm-memory-high-watermark", r.method() + " " + r.path());
        assertEquals("{\"relative\":1.0E-9}", r.body());
    }

    @Test
    void absoluteAmountsTakeRabbitmqctlsUnits() throws CtlException {
        assertEquals(0, run("set_vm_memory_high_watermark", "absolute", "1GB"));
        assertEquals("Setting memory threshold on " + api.url() + " to 1GB bytes ...\n", out);
        assertEquals("{\"absolute\":1000000000}", onlyRequest().body());
        assertEquals(512L << 20, RuntimeCommands.memoryAmount("512MiB"));
        assertEquals(512L << 20, RuntimeCommands.memoryAmount("512M"));
        assertEquals(2L << 30, RuntimeCommands.memoryAmount("2G"));
        assertEquals(2L << 30, RuntimeCommands.memoryAmount("2GiB"));
        assertEquals(1024, RuntimeCommands.memoryAmount("1k"));
        assertEquals(1024, RuntimeCommands.memoryAmount("1kiB"));
        assertEquals(1000, RuntimeCommands.memoryAmount("1kB"));
        assertEquals(5_000_000, RuntimeCommands.memoryAmount("5MB"));
        assertEquals(123, RuntimeCommands.memoryAmount("123"));
        assertEquals("Bad argument: Invalid units.",
                assertThrows(CtlException.class, () -> RuntimeCommands.memoryAmount("1gb")).getMessage());
        assertEquals("Bad argument: The threshold should be an integer.",
                assertThrows(CtlException.class, () -> RuntimeCommands.memoryAmount("1.5GB")).getMessage());
        assertThrows(CtlException.class, () -> RuntimeCommands.memoryAmount("99999999999999GB"));
        assertThrows(CtlException.class, () -> RuntimeCommands.memoryAmount("GB"));
    }

    @Test
    void badValuesExit65WithTheUsageAndSendNothing() {
        assertEquals(65, run("set_vm_memory_high_watermark", "-0.1"));
        assertTrue(err.startsWith("Error (argument validation): Bad argument: The threshold should be a fraction"
                + " between 0.0 and 1.0\n"), err);
        assertTrue(err.contains("set_vm_memory_high_watermark <fraction> | absolute <value>"), err);
        assertEquals(65, run("set_vm_memory_high_watermark", "1.5"));
        assertEquals(65, run("set_vm_memory_high_watermark", "abc"));
        assertTrue(err.startsWith("Error (argument validation): Bad argument.\n"), err);
        assertEquals(65, run("set_vm_memory_high_watermark", "NaN"));
        assertEquals(65, run("set_vm_memory_high_watermark", "absolute", "10XB"));
        assertTrue(err.startsWith("Error (argument validation): Bad argument: Invalid units.\n"), err);
        assertEquals(65, run("set_vm_memory_high_watermark", "absolute", "-5"));
        assertEquals(65, run("set_disk_free_limit", "1gb"));
        assertEquals(65, run("set_disk_free_limit", "mem_relative", "-1"));
        assertEquals(65, run("set_disk_free_limit", "mem_relative", "lots"));
        assertEquals(List.of(), api.requests);
    }

    @Test
    void theWrongNumberOfArgumentsExits64() {
        assertEquals(64, run("set_vm_memory_high_watermark"));
        assertTrue(err.startsWith("Error (argument validation): not enough arguments.\n"), err);
        assertEquals(64, run("set_vm_memory_high_watermark", "absolute"));
        assertTrue(err.startsWith("Error (argument validation): not enough arguments.\n"), err);
        assertEquals(64, run("set_vm_memory_high_watermark", "0.4", "0.5"));
        assertTrue(err.startsWith("Error (argument validation): too many arguments.\n"), err);
        assertEquals(64, run("set_vm_memory_high_watermark", "relative", "0.4"));
        assertEquals(64, run("set_vm_memory_high_watermark", "absolute", "1GB", "2GB"));
        assertEquals(64, run("set_disk_free_limit"));
        assertEquals(64, run("set_disk_free_limit", "mem_relative"));
        assertEquals(64, run("set_disk_free_limit", "absolute", "50MB"));
        assertEquals(64, run("stop_app", "now"));
        assertEquals(64, run("start_app", "now"));
        assertEquals(64, run("eval"));
        assertEquals(List.of(), api.requests);
    }

    @Test
    void diskFreeLimitInBytesOrAsAMultipleOfMemory() {
        assertEquals(0, run("set_disk_free_limit", "50MB"));
        assertEquals("Setting disk free limit on " + api.url() + " to 50MB bytes ...\n", out);
        assertEquals("{\"absolute\":50000000}", onlyRequest().body());
        api.requests.clear();
        assertEquals(0, run("set_disk_free_limit", "mem_relative", "1.5"));
        assertEquals("Setting disk free limit on " + api.url() + " to 1.5 times the total RAM ...\n", out);
        FakeApi.Request r = onlyRequest();
        assertEquals("PUT /api/leveret/disk-free-limit {\"mem_relative\":1.5}", r.method() + " " + r.path() + " " + r.body());
    }

    @Test
    void evalRaisesAndClearsAlarmsInTheFormsTheJavaClientSuiteSends() {
        assertEquals(0, run("eval", "rabbit_alarm:set_alarm({{resource_limit, memory, node()}, []})."));
        assertEquals("ok\n", out);
        assertEquals(0, run("eval", "rabbit_alarm:clear_alarm({resource_limit, memory, node()})."));
        assertEquals(0, run("eval", "  rabbit_alarm : set_alarm( { {resource_limit,disk,node( )},[ ] } )  "));
        assertEquals(0, run("-q", "eval", "rabbit_alarm:clear_alarm({resource_limit,\n disk, node()})"));
        assertEquals("ok\n", out);
        assertEquals(List.of("PUT /api/leveret/alarms/memory", "DELETE /api/leveret/alarms/memory",
                "PUT /api/leveret/alarms/disk", "DELETE /api/leveret/alarms/disk"),
                api.requests.stream().map(r -> r.method() + " " + r.path()).toList());
    }

    @Test
    void evalRefusesAnyOtherErlang() throws CtlException {
        for (String expression : List.of("application:set_env(rabbit, channel_max, 2048).",
                "rabbit_alarm:set_alarm({{resource_limit, cpu, node()}, []}).",
                "rabbit_alarm:set_alarm({{resource_limit, memory, node()}, []}), halt().",
                "rabbit_alarm:clear_alarm({resource_limit, memory, 'rabbit@elsewhere'}).", "")) {
            assertEquals(64, run("eval", expression), expression);
            assertTrue(err.startsWith("Error (argument validation): Leveret does not evaluate Erlang"), err);
        }
        assertEquals(List.of(), api.requests);
        assertEquals(new RuntimeCommands.Alarm(true, "disk"),
                RuntimeCommands.Alarm.parse("rabbit_alarm:set_alarm({{resource_limit, disk, node()}, []})."));
    }

    @Test
    void stopAndStartAppPostToTheApi() {
        assertEquals(0, run("stop_app"));
        assertEquals("Stopping rabbit application on node " + api.url() + " ...\n", out);
        assertEquals(0, run("-q", "start_app"));
        assertEquals("", out);
        assertEquals(List.of("POST /api/leveret/app/stop", "POST /api/leveret/app/start"),
                api.requests.stream().map(r -> r.method() + " " + r.path()).toList());
    }

    @Test
    void aBrokerWithoutTheLeveretApiIsNamedAsSuch() {
        api.answer("POST", "/api/leveret/app/stop", 404, "{\"error\":\"Object Not Found\",\"reason\":\"Not Found\"}");
        assertEquals(69, run("stop_app"));
        assertTrue(err.contains("has no /api/leveret: this command needs a Leveret broker"), err);
    }

    @Test
    void helpListsTheCommands() {
        assertEquals(0, run("help"));
        for (String c : List.of("set_vm_memory_high_watermark", "set_disk_free_limit", "stop_app", "start_app", "eval")) {
            assertTrue(out.contains("   " + c + " "), c);
        }
        assertEquals(0, run("set_disk_free_limit", "--help"));
        assertTrue(out.contains("set_disk_free_limit <disk_limit> | mem_relative <fraction>"), out);
    }
}
