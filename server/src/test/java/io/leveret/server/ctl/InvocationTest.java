package io.leveret.server.ctl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class InvocationTest {
    @Test
    void optionsMayComeBeforeAndAfterTheCommandAndItsArguments() throws CtlException {
        Invocation inv = Invocation.parse(new String[] {"-n", "rabbit@h", "set_operator_policy", "p", "^q", "{}",
                "--apply-to", "queues", "--priority=3"});
        assertEquals("set_operator_policy", inv.command());
        assertEquals(List.of("p", "^q", "{}"), inv.arguments());
        assertEquals("rabbit@h", inv.options().get("node"));
        assertEquals("queues", inv.options().get("apply-to"));
        assertEquals("3", inv.options().get("priority"));
    }

    @Test
    void theJavaClientSuitesListConnectionsFormParses() throws CtlException {
        Invocation inv = Invocation.parse(new String[] {"-n", "rabbit@localhost", "list_connections", "-q", "pid",
                "peer_port", "client_properties"});
        assertEquals(List.of("pid", "peer_port", "client_properties"), inv.arguments());
        assertTrue(inv.quiet());
        assertTrue(inv.tableHeaders(), "-q keeps the header row, as in rabbitmqctl");
    }

    @Test
    void silentDropsBannerAndHeaderNoTableHeadersOnlyTheHeader() throws CtlException {
        Invocation s = Invocation.parse(new String[] {"list_users", "-s"});
        assertTrue(s.quiet());
        assertFalse(s.tableHeaders());
        Invocation n = Invocation.parse(new String[] {"list_users", "--no-table-headers"});
        assertFalse(n.quiet());
        assertFalse(n.tableHeaders());
    }

    @Test
    void vhostDefaultsToSlashAndTakesBothSpellings() throws CtlException {
        assertEquals("/", Invocation.parse(new String[] {"list_queues"}).vhost());
        assertEquals("v1", Invocation.parse(new String[] {"list_queues", "-p", "v1"}).vhost());
        assertEquals("v2", Invocation.parse(new String[] {"--vhost=v2", "list_queues"}).vhost());
    }

    @Test
    void doubleDashEndsOptionsAndALoneDashIsAnArgument() throws CtlException {
        Invocation inv = Invocation.parse(new String[] {"set_policy", "--", "-odd-name", "^x", "{}"});
        assertEquals(List.of("-odd-name", "^x", "{}"), inv.arguments());
        assertEquals(List.of("-"), Invocation.parse(new String[] {"export_definitions", "-"}).arguments());
    }

    @Test
    void anUnknownOptionOrAMissingValueIsAUsageError() {
        CtlException unknown = assertThrows(CtlException.class,
                () -> Invocation.parse(new String[] {"list_queues", "--bogus"}));
        assertEquals(CtlException.USAGE, unknown.exitCode());
        CtlException missing = assertThrows(CtlException.class,
                () -> Invocation.parse(new String[] {"list_queues", "-p"}));
        assertEquals(CtlException.USAGE, missing.exitCode());
    }

    @Test
    void deleteQueueShortFlags() throws CtlException {
        Invocation inv = Invocation.parse(new String[] {"delete_queue", "q", "-e", "-u"});
        assertTrue(inv.has("if-empty"));
        assertTrue(inv.has("if-unused"));
        assertEquals(List.of("q"), inv.arguments());
    }
}
