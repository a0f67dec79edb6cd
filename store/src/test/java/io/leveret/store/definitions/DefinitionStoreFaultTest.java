package io.leveret.store.definitions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.leveret.store.Blob;
import io.leveret.store.StoreOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A change that fails in the middle changes nothing: not the model, not MapDB, not the journal; the next
 * change is taken, and the store reopens with exactly the changes that succeeded. Also the built-in
 * exchanges, which are never stored but may be bound.
 */
class DefinitionStoreFaultTest {
    private static final StoreOptions OPTIONS = StoreOptions.defaults();

    @TempDir
    Path dir;

    /** Fails once at {@code point} once armed. */
    private static final class FailOnce implements Journal.Faults {
        private final Journal.FaultPoint point;
        final AtomicBoolean armed = new AtomicBoolean();

        FailOnce(Journal.FaultPoint point) {
            this.point = point;
        }

        @Override
        public void at(Journal.FaultPoint p) throws IOException {
            if (p == point && armed.compareAndSet(true, false)) {
                throw new IOException("injected at " + p);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = Journal.FaultPoint.class, names = {"APPEND_TORN", "APPEND_FORCE"})
    void aFailedAppendChangesNothingAndTheNextChangeIsTaken(Journal.FaultPoint point) throws IOException {
        FailOnce faults = new FailOnce(point);
        QueueDefinition failed = queue("failed");
        QueueDefinition next = queue("next");
        Definitions before;
        long journalBefore;
        try (DefinitionStore store = DefinitionStore.open(dir, OPTIONS, faults)) {
            Fixtures.model("/").forEach(c -> store.apply(c).join());
            before = store.snapshot();
            journalBefore = Files.size(dir.resolve(DefinitionStore.JOURNAL));
            faults.armed.set(true);
            CompletionException error = assertThrows(CompletionException.class,
                    () -> store.apply(new Change.PutQueue(failed)).join());
            assertInstanceOf(UncheckedIOException.class, error.getCause());
            assertEquals(before, store.snapshot(), "the model is as before");
            assertEquals(journalBefore, Files.size(dir.resolve(DefinitionStore.JOURNAL)), "the torn bytes are cut off");
            store.apply(new Change.PutQueue(next)).join();
            store.apply(new Change.PutBinding(Fixtures.binding("/", "orders", "next", "n"))).join();
        }
        List<QueueDefinition> queues = new ArrayList<>(before.queues());
        queues.add(next);
        try (DefinitionStore store = DefinitionStore.open(dir, OPTIONS)) {
            Definitions after = store.snapshot();
            assertEquals(queues.stream().map(QueueDefinition::name).sorted().toList(),
                    after.queues().stream().map(QueueDefinition::name).toList());
            assertEquals(before.bindings().size() + 1, after.bindings().size());
        }
        assertNothingMovedAside();
    }

    @ParameterizedTest
    @EnumSource(value = Journal.FaultPoint.class, names = {"COMPACT_WRITE", "COMPACT_REPLACE"})
    void aFailedCompactionKeepsTheJournalAndLaterChangesCompact(Journal.FaultPoint point) throws IOException {
        FailOnce faults = new FailOnce(point);
        Definitions expected;
        try (DefinitionStore store = DefinitionStore.open(dir, OPTIONS.withJournalCompactBytes(4096), faults)) {
            Fixtures.model("/").forEach(c -> store.apply(c).join());
            faults.armed.set(true);
            for (int i = 0; i < 200; i++) { // many times the 4 KiB at which it compacts
                store.apply(new Change.PutQueue(queue("q" + i))).join();
                store.apply(new Change.DeleteQueue("/", "q" + i)).join();
            }
            assertFalse(faults.armed.get(), "the fault was hit");
            assertTrue(Files.size(dir.resolve(DefinitionStore.JOURNAL)) < 16 * 1024,
                    "later compactions worked: " + Files.size(dir.resolve(DefinitionStore.JOURNAL)));
            expected = store.snapshot();
        }
        assertFalse(Files.exists(dir.resolve(DefinitionStore.JOURNAL + ".tmp")));
        try (DefinitionStore store = DefinitionStore.open(dir, OPTIONS)) {
            assertEquals(expected, store.snapshot());
        }
        assertNothingMovedAside();
    }

    @Test
    void bindingsFromAndToBuiltInExchangesAreStoredAndTheExchangesAreNot() throws IOException {
        List<BindingDefinition> builtIn = new ArrayList<>();
        try (DefinitionStore store = DefinitionStore.open(dir, OPTIONS)) {
            Fixtures.model("/").forEach(c -> store.apply(c).join());
            for (String x : ExchangeDefinition.BUILT_IN) {
                builtIn.add(Fixtures.binding("/", x, "orders.eu", "k"));
                builtIn.add(new BindingDefinition("/", "orders", x, BindingDefinition.DestinationKind.EXCHANGE, "k",
                        Blob.EMPTY));
            }
            builtIn.forEach(b -> store.apply(new Change.PutBinding(b)).join());
            CompletionException refused = assertThrows(CompletionException.class, () -> store.apply(
                    new Change.PutExchange(new ExchangeDefinition("/", "amq.direct", "direct", true, false, false,
                            Blob.EMPTY))).join());
            assertInstanceOf(IllegalArgumentException.class, refused.getCause());
            CompletionException otherVhost = assertThrows(CompletionException.class, () -> store.apply(
                    new Change.PutBinding(Fixtures.binding("nowhere", "amq.direct", "orders.eu", "k"))).join());
            assertInstanceOf(IllegalArgumentException.class, otherVhost.getCause());
        }
        try (DefinitionStore store = DefinitionStore.open(dir, OPTIONS)) {
            Definitions after = store.snapshot();
            assertTrue(after.bindings().containsAll(builtIn));
            assertTrue(after.exchanges().stream().noneMatch(e -> ExchangeDefinition.BUILT_IN.contains(e.name())));
            // Deleting the queue takes its bindings from the built-in exchanges with it.
            store.apply(new Change.DeleteQueue("/", "orders.eu")).join();
            assertTrue(store.snapshot().bindings().stream().noneMatch(b -> b.destination().equals("orders.eu")));
        }
    }

    private static QueueDefinition queue(String name) {
        return new QueueDefinition("/", name, true, false, false, Blob.EMPTY);
    }

    /** MapDB kept up with every change that succeeded: it was never found behind or different and rebuilt. */
    private void assertNothingMovedAside() throws IOException {
        try (var files = Files.list(dir)) {
            assertTrue(files.noneMatch(f -> f.getFileName().toString().endsWith(".damaged")));
        }
    }
}
