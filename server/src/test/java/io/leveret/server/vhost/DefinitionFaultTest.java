package io.leveret.server.vhost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.leveret.codec.FieldTable;
import io.leveret.store.Store;
import io.leveret.store.definitions.BindingDefinition;
import io.leveret.store.definitions.Change;
import io.leveret.store.definitions.Definitions;
import io.leveret.store.definitions.VhostDefinition;
import io.netty.util.concurrent.ImmediateEventExecutor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A definition change the store cannot make is undone in memory, fails only its own reply, and leaves the
 * vhost taking the next change; memory, the store and a recovery from the store agree afterwards.
 */
class DefinitionFaultTest {
    @TempDir
    Path dir;
    private Store store;
    private VirtualHost vhost;
    /** While set, every definition change fails as a journal write would. */
    private final AtomicBoolean failing = new AtomicBoolean();
    /** When set, the next definition change is answered by this future, not by the store. */
    private final java.util.concurrent.atomic.AtomicReference<CompletableFuture<Void>> held =
            new java.util.concurrent.atomic.AtomicReference<>();

    @BeforeEach
    void open() throws IOException {
        store = Store.open(dir);
        store.definitions().apply(new Change.PutVhost(new VhostDefinition("/"))).join();
        vhost = new VirtualHost("/", ImmediateEventExecutor.INSTANCE, new Persistence(change -> {
            CompletableFuture<Void> gate = held.getAndSet(null);
            if (gate != null) {
                return gate;
            }
            return failing.get() ? CompletableFuture.failedFuture(new UncheckedIOException(new IOException("injected")))
                    : store.definitions().apply(change);
        }, store.messages(), store.spill(), PagingBudget.unlimited()));
    }

    @AfterEach
    void close() throws IOException {
        store.close();
    }

    @Test
    void aDurableQueueBoundToEveryBuiltInExchangeIsStored() {
        Queue q = vhost.declareQueue("q", true, false, FieldTable.EMPTY, null);
        Exchange x = vhost.declareExchange("fanout", "x", true, false, false, FieldTable.EMPTY);
        for (String builtIn : List.of("amq.direct", "amq.fanout", "amq.topic", "amq.headers", "amq.match")) {
            vhost.bind(vhost.exchange(builtIn), q, "k", FieldTable.EMPTY).join();
            vhost.bind(x, vhost.exchange(builtIn), "k", FieldTable.EMPTY).join();
        }
        assertEquals(10, storedBindings().size());
        assertAgreesWithTheStore();
    }

    @Test
    void aFailedDeclareIsUndoneAndTheNextChangeIsMade() {
        failing.set(true);
        Queue q = vhost.declareQueue("q", true, false, FieldTable.EMPTY, null);
        Exchange x = vhost.declareExchange("direct", "x", true, false, false, FieldTable.EMPTY);
        assertFails(q.stored());
        assertFails(x.stored());
        assertNull(vhost.queue("q"));
        assertNull(vhost.exchange("x"));
        vhost.persisted().join(); // the barrier a failure cannot poison

        failing.set(false);
        Queue again = vhost.declareQueue("q", true, false, FieldTable.EMPTY, null);
        again.stored().join();
        assertEquals(List.of("q"), store.definitions().snapshot().queues().stream().map(d -> d.name()).toList());
        assertAgreesWithTheStore();
    }

    @Test
    void aFailedBindIsUndoneAndAnotherChannelsBindIsNotFailedByIt() {
        Queue q = vhost.declareQueue("q", true, false, FieldTable.EMPTY, null);
        Exchange amqDirect = vhost.exchange("amq.direct");
        failing.set(true);
        CompletableFuture<Void> failed = vhost.bind(amqDirect, q, "lost", FieldTable.EMPTY);
        assertFails(failed);
        assertTrue(amqDirect.bindings().isEmpty(), "the binding does not route");
        failing.set(false);
        vhost.bind(amqDirect, q, "kept", FieldTable.EMPTY).join();
        assertEquals(Set.of("kept"), storedBindings().stream().map(BindingDefinition::routingKey)
                .collect(Collectors.toSet()));
        assertAgreesWithTheStore();
    }

    @Test
    void aFailedDeleteLeavesTheQueueItsBindingsAndItsDefinition() {
        Queue q = vhost.declareQueue("q", true, false, FieldTable.EMPTY, null);
        Exchange x = vhost.declareExchange("topic", "x", true, false, false, FieldTable.EMPTY);
        vhost.bind(x, q, "#", FieldTable.EMPTY).join();
        vhost.bind(vhost.exchange("amq.topic"), q, "a.#", FieldTable.EMPTY).join();
        failing.set(true);
        assertFails(vhost.deleteQueue(q));
        assertFails(vhost.deleteExchange(x));
        assertFails(vhost.unbind(x, q, "#", FieldTable.EMPTY));
        assertNotNull(vhost.queue("q"));
        assertNotNull(vhost.exchange("x"));
        assertEquals(1, x.bindings().size(), "the exchange still routes to the queue");
        assertEquals(1, vhost.exchange("amq.topic").bindings().size());
        failing.set(false);
        assertAgreesWithTheStore();

        vhost.deleteQueue(q).join();
        assertNull(vhost.queue("q"));
        assertTrue(x.bindings().isEmpty());
        assertTrue(storedBindings().isEmpty());
        assertAgreesWithTheStore();
    }

    /** A delete is seen at once (as RabbitMQ's), before it is stored, and undone if it cannot be stored. */
    @Test
    void aDeleteIsSeenAtOnceAndUndoneIfItCannotBeStored() {
        Queue q = vhost.declareQueue("q", true, false, FieldTable.EMPTY, null);
        Exchange x = vhost.declareExchange("fanout", "x", true, false, false, FieldTable.EMPTY);
        vhost.bind(vhost.exchange("amq.direct"), q, "k", FieldTable.EMPTY).join();
        vhost.bind(x, q, "", FieldTable.EMPTY).join();
        vhost.bind(vhost.exchange("amq.fanout"), x, "", FieldTable.EMPTY).join();

        CompletableFuture<Void> queueWrite = new CompletableFuture<>();
        held.set(queueWrite);
        CompletableFuture<Void> queueDeleted = vhost.deleteQueue(q);
        assertNull(vhost.queue("q"), "gone from lookups while its delete is being stored");
        assertTrue(vhost.exchange("amq.direct").bindings().isEmpty(), "and from routing");
        CompletableFuture<Void> exchangeWrite = new CompletableFuture<>();
        held.set(exchangeWrite);
        CompletableFuture<Void> exchangeDeleted = vhost.deleteExchange(x);
        assertNull(vhost.exchange("x"));
        assertTrue(vhost.exchange("amq.fanout").bindings().isEmpty());

        queueWrite.completeExceptionally(new UncheckedIOException(new IOException("injected")));
        exchangeWrite.completeExceptionally(new UncheckedIOException(new IOException("injected")));
        assertFails(queueDeleted);
        assertFails(exchangeDeleted);
        assertSame(q, vhost.queue("q"));
        assertSame(x, vhost.exchange("x"));
        assertEquals(1, vhost.exchange("amq.direct").bindings().size());
        assertEquals(1, vhost.exchange("amq.fanout").bindings().size());
        assertEquals(1, x.bindings().size(), "x routes to q again");
        assertAgreesWithTheStore();
    }

    @Test
    void aFailedPolicyChangeIsUndone() {
        Queue q = vhost.declareQueue("q", true, false, FieldTable.EMPTY, null);
        vhost.setPolicy(PoliciesTest.policy("cap", "^q$", Policy.ApplyTo.QUEUES, 0,
                java.util.Map.of("max-length", 5L))).join();
        failing.set(true);
        assertFails(vhost.setPolicy(PoliciesTest.policy("cap", "^q$", Policy.ApplyTo.QUEUES, 0,
                java.util.Map.of("max-length", 1L))));
        assertFails(vhost.clearPolicy("cap", false));
        assertEquals(5, q.settings().maxLength(), "the stored policy still applies");
        assertEquals(1, store.definitions().snapshot().policies().size());
    }

    private List<BindingDefinition> storedBindings() {
        return store.definitions().snapshot().bindings();
    }

    /** A vhost recovered from the store has the durable topology this one has in memory. */
    private void assertAgreesWithTheStore() {
        Definitions stored = store.definitions().snapshot();
        VirtualHost recovered = new VirtualHost("/", ImmediateEventExecutor.INSTANCE);
        recovered.recover(stored);
        assertEquals(durableTopology(vhost), durableTopology(recovered));
    }

    private static Set<String> durableTopology(VirtualHost v) {
        Set<String> out = new java.util.TreeSet<>();
        v.queues().stream().filter(Queue::durable).forEach(q -> out.add("queue " + q.name()));
        for (Exchange e : v.exchanges()) {
            if (e.durable() && !e.name().isEmpty()) {
                out.add("exchange " + e.name());
                e.bindings().forEach(b -> out.add("binding " + e.name() + " -> " + b.destination().name() + " "
                        + b.routingKey()));
            }
        }
        return out;
    }

    private static void assertFails(CompletableFuture<?> write) {
        CompletionException e = assertThrows(CompletionException.class, write::join);
        assertFalse(e.getCause() instanceof IllegalArgumentException, "an I/O failure, not a refusal: " + e);
    }
}
