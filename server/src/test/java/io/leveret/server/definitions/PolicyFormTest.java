package io.leveret.server.definitions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.leveret.codec.FieldTable;
import io.leveret.server.vhost.Persistence;
import io.leveret.server.vhost.Policy;
import io.leveret.server.vhost.Queue;
import io.leveret.server.vhost.VirtualHost;
import io.leveret.store.Store;
import io.leveret.store.definitions.Change;
import io.leveret.store.definitions.Definitions;
import io.leveret.store.definitions.VhostDefinition;
import io.netty.util.concurrent.ImmediateEventExecutor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Policies between the store, the definitions file and the vhost: an import refuses a bad policy with
 * RabbitMQ's reason (the texts RabbitMQ 3.10.8's {@code import_definitions} printed for the same entries), a
 * policy set on a running vhost is durable and comes back at boot, operator policies ride along as RabbitMQ's
 * {@code operator_policy} parameters.
 */
class PolicyFormTest {
    @TempDir
    Path dir;

    private static String importError(String policies, String parameters) throws Exception {
        JsonNode root = StoredForm.JSON.readTree("{\"policies\": [" + policies + "], \"parameters\": [" + parameters + "]}");
        return assertThrows(IllegalArgumentException.class, () -> DefinitionsFile.changes(root, new ArrayList<>()))
                .getMessage();
    }

    @Test
    void anImportRefusesABadPolicyNamingItAndRabbitMqsReason() throws Exception {
        assertEquals("policy 'p' in vhost '/': -1 is not a valid message TTL", importError(
                "{\"vhost\":\"/\",\"name\":\"p\",\"pattern\":\"^a\",\"definition\":{\"message-ttl\":-1}}", ""));
        assertEquals("policy 'p' in vhost '/': priority should be a number, actually was <<\"x\">>", importError(
                "{\"vhost\":\"/\",\"name\":\"p\",\"pattern\":\"^a\",\"priority\":\"x\",\"definition\":{\"max-length\":1}}",
                ""));
        assertEquals("policy 'p' in vhost '/': apply-to 'bogus' unrecognised; should be 'queues', 'exchanges' or 'all'",
                importError("{\"vhost\":\"/\",\"name\":\"p\",\"pattern\":\"^a\",\"apply-to\":\"bogus\","
                        + "\"definition\":{\"max-length\":1}}", ""));
        assertEquals("operator policy 'op' in vhost '/': [{<<\"overflow\">>,<<\"drop-head\">>}] are not recognised "
                + "policy settings", importError("", "{\"vhost\":\"/\",\"component\":\"operator_policy\",\"name\":\"op\","
                + "\"value\":{\"pattern\":\"^a\",\"definition\":[[\"overflow\",\"drop-head\"]],\"priority\":0,"
                + "\"apply-to\":\"queues\"}}"));
    }

    @Test
    void policiesSetOnARunningVhostAreDurableAndApplyAfterARestart() throws Exception {
        try (Store store = Store.open(dir)) {
            store.definitions().apply(new Change.PutVhost(new VhostDefinition("/"))).join();
            VirtualHost v = new VirtualHost("/", ImmediateEventExecutor.INSTANCE,
                    new Persistence(store.definitions(), store.messages(), store.spill()));
            v.setPolicy(Policy.of("p", "^q", Policy.ApplyTo.QUEUES, 1, FieldTable.of(Map.of("max-length", 5L)), false,
                    StoredForm.json(StoredForm.JSON.readTree("{\"max-length\":5}"))));
            v.setPolicy(Policy.of("gone", ".*", Policy.ApplyTo.ALL, 9, FieldTable.of(Map.of("max-length", 1L)), false,
                    StoredForm.json(StoredForm.JSON.readTree("{\"max-length\":1}"))));
            v.setPolicy(PolicyForm.operatorPolicy(new io.leveret.store.definitions.ParameterDefinition("/",
                    Policy.OPERATOR_COMPONENT, "op", StoredForm.json(StoredForm.JSON.readTree(
                    "{\"pattern\":\"^q\",\"definition\":[[\"message-ttl\",100]],\"priority\":0,\"apply-to\":\"all\"}")))));
            v.clearPolicy("gone", false);
            v.persisted().join();
        }
        try (Store store = Store.open(dir)) {
            Definitions defs = store.definitions().snapshot();
            assertEquals(1, defs.policies().size());
            List<Policy> policies = PolicyForm.policies(defs, "/");
            assertEquals(2, policies.size());
            VirtualHost v = new VirtualHost("/", ImmediateEventExecutor.INSTANCE,
                    new Persistence(store.definitions(), store.messages(), store.spill()));
            v.recover(defs, policies);
            Queue q = v.declareQueue("q1", false, false, FieldTable.EMPTY, null);
            assertEquals(5, q.settings().maxLength());
            assertEquals(100, q.settings().messageTtl());
            assertTrue(v.declareQueue("other", false, false, FieldTable.EMPTY, null).settings().maxLength() < 0);
            v.deleteQueue(q);
        }
    }

    @Test
    void theFixturesPolicyAndAnExportedOperatorPolicyRead() throws Exception {
        JsonNode root = StoredForm.JSON.readTree("{\"policies\":[{\"apply-to\":\"queues\",\"definition\":{\"max-length\":1000,"
                + "\"message-ttl\":60000},\"name\":\"fx-ttl\",\"pattern\":\"^fx\\\\.ttl\\\\.\",\"priority\":3,\"vhost\":\"fx\"}],"
                + "\"parameters\":[{\"component\":\"operator_policy\",\"name\":\"op1\",\"value\":{\"apply-to\":\"queues\","
                + "\"definition\":[[\"max-length\",5]],\"pattern\":\"^o\",\"priority\":0},\"vhost\":\"fx\"}]}");
        List<Change> changes = DefinitionsFile.changes(root, new ArrayList<>());
        assertEquals(2, changes.size());
        Policy p = PolicyForm.policy(((Change.PutPolicy) changes.get(1)).policy());
        assertTrue(p.matches(true, "fx.ttl.q"));
        assertEquals(60000L, p.definition().field("message-ttl").longValue());
        Policy op = PolicyForm.operatorPolicy(((Change.PutParameter) changes.get(0)).parameter());
        assertEquals(5L, op.definition().field("max-length").longValue());
        assertEquals(Policy.ApplyTo.QUEUES, op.applyTo());
    }
}
