package io.leveret.server.vhost;

import io.leveret.codec.FieldTable;
import io.leveret.codec.FieldValue;
import io.leveret.store.messages.Location;
import io.leveret.store.messages.MessageStore;
import io.leveret.store.messages.QueueName;
import io.leveret.store.messages.RecoveredMessage;
import io.netty.buffer.Unpooled;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The messages a delayed exchange holds until they are due. Its state is confined to one executor, as a
 * queue's is: a {@link DueIndex} of due time and log location per message, and one timer for the earliest
 * due time (no scanning). Persistent messages on a durable exchange are written to the message log under
 * {@link QueueName#delayedExchange} before the publisher's confirm, and come back after a restart; their
 * bodies never stay on the heap, so how many may wait is bounded by disk only. Other messages wait in
 * memory up to {@link #IN_MEMORY_BYTES} per exchange, and beyond that in the log under a name that the
 * next boot drops (they were never meant to survive one).
 */
public final class DelayedMessages {
    private static final Logger LOG = LoggerFactory.getLogger(DelayedMessages.class);
    /** Bodies of delayed messages kept in memory per exchange; beyond this they wait in the log. */
    static final long IN_MEMORY_BYTES = 16L << 20;
    /** Bodies of due messages read back from the log in one task of the disk lane. */
    private static final long READ_BATCH_BYTES = 256 << 10;

    private final VirtualHost vhost;
    private final DelayedExchange exchange;
    private final EventExecutor executor;
    /** Null for a broker without storage: then every message waits in memory. */
    private final MessageStore store;
    private final QueueName durableName;
    private final QueueName spillName;
    /** Bytes of bodies held in memory; read on publishers' threads, so atomic. */
    private final AtomicLong inMemory = new AtomicLong();
    /** Numbers messages as they are published, so equal due times go out in publish order. */
    private final AtomicLong arrivals = new AtomicLong();

    /** Where bodies waiting in the log are read back, off the executor (a network loop); null without a store. */
    private final java.util.concurrent.Executor lane;

    // Executor-confined.
    private final DueIndex index = new DueIndex();
    private ScheduledFuture<?> timer;
    private long timerAt;
    private boolean dropped;
    /** Due messages are being read back from the log: the next ones wait for them, to go out in order. */
    private boolean reading;

    DelayedMessages(VirtualHost vhost, DelayedExchange exchange, EventExecutor executor) {
        this.vhost = vhost;
        this.exchange = exchange;
        this.executor = executor;
        this.store = vhost.persistence() == null ? null : vhost.persistence().messages();
        this.durableName = QueueName.delayedExchange(vhost.name(), exchange.name());
        this.spillName = QueueName.delayedExchangeSpill(vhost.name(), exchange.name());
        this.lane = store == null ? null : vhost.persistence().diskIo().lane();
    }

    /**
     * Takes over {@code m}'s reference: it waits {@code delay} ms (positive) and is then routed. Returns
     * true if {@code durable} will be told (on the store's thread) once the message is safely in the log,
     * or why not: a persistent message on a durable exchange of a broker with storage. Otherwise the message
     * is accepted now. Thread-safe.
     */
    public boolean accept(Message m, long delay, Consumer<Throwable> durable) {
        long now = System.currentTimeMillis();
        long due = now + delay < now ? Long.MAX_VALUE : now + delay;
        long arrival = arrivals.getAndIncrement();
        try {
            if (store != null && exchange.durable() && m.properties().persistent()) {
                toLog(m, due, arrival, durableName, durable);
                return true;
            }
            int size = m.bodySize();
            if (store == null || inMemory.addAndGet(size) <= IN_MEMORY_BYTES) {
                if (store == null) {
                    inMemory.addAndGet(size);
                }
                m.retain();
                executor.execute(() -> waitInMemory(due, arrival, m));
            } else {
                inMemory.addAndGet(-size);
                toLog(m, due, arrival, spillName, failure -> {
                    if (failure != null) {
                        LOG.error("{}: a delayed message could not be written to the log; it is dropped", exchange,
                                failure);
                    }
                });
            }
            return false;
        } finally {
            m.release();
        }
    }

    /** Writes {@code m} to the log as {@code name}'s; it joins the index once written. */
    private void toLog(Message m, long due, long arrival, QueueName name, Consumer<Throwable> done) {
        // The callback may run before append returns the location: it waits for the location, not the reverse.
        java.util.concurrent.CompletableFuture<Location> at = new java.util.concurrent.CompletableFuture<>();
        at.complete(vhost.persistence().append(m, List.of(name), due, failure -> {
            if (failure == null) {
                at.thenAccept(l -> executor.execute(() -> waitInLog(due, arrival, l, name == spillName)));
            }
            done.accept(failure);
        }));
    }

    /** At boot: the persistent messages that were waiting, with the due times the log kept. */
    public void recover(List<RecoveredMessage> messages) {
        executor.execute(() -> {
            long now = System.currentTimeMillis();
            for (RecoveredMessage r : messages) {
                // A record without times cannot be from a delayed exchange; it is due now, as a guess that loses nothing.
                index.add(r.times().known() ? r.times().enqueuedAt() : now, arrivals.getAndIncrement(), r.location(), false);
            }
            armTimer();
        });
    }

    /** How many messages wait. Runs {@code answer} on this exchange's thread. */
    public void count(Consumer<Integer> answer) {
        executor.execute(() -> answer.accept(index.size()));
    }

    /** The exchange is gone: so are its waiting messages, in memory and in the log. */
    void drop() {
        if (store != null) {
            store.dropQueue(durableName);
            store.dropQueue(spillName);
        }
        executor.execute(() -> {
            dropped = true;
            if (timer != null) {
                timer.cancel(false);
                timer = null;
            }
            while (!index.isEmpty()) {
                Message m = index.headMessage();
                index.removeHead();
                if (m != null) {
                    inMemory.addAndGet(-m.bodySize());
                    m.release();
                }
            }
        });
    }

    // ---- Everything below runs on the executor. ----

    private void waitInLog(long due, long arrival, Location at, boolean spilled) {
        if (dropped) {
            // Appended after the exchange was deleted (a publish racing the delete): let the log forget it.
            store.ack(spilled ? spillName : durableName, at);
            return;
        }
        index.add(due, arrival, at, spilled);
        armTimer();
    }

    private void waitInMemory(long due, long arrival, Message m) {
        if (dropped) {
            inMemory.addAndGet(-m.bodySize());
            m.release();
            return;
        }
        index.add(due, arrival, m);
        armTimer();
    }

    /** One timer, for the earliest due time; an earlier message replaces it. */
    private void armTimer() {
        if (index.isEmpty()) {
            return;
        }
        long at = index.peekDue();
        if (timer != null && timerAt <= at) {
            return;
        }
        if (timer != null) {
            timer.cancel(false);
        }
        timerAt = at;
        timer = executor.schedule(this::fire, Math.max(0, at - System.currentTimeMillis()), TimeUnit.MILLISECONDS);
    }

    /**
     * Routes every message that is due, earliest first, then waits for the next. Messages waiting in the log
     * are read back on the disk lane, up to {@link #READ_BATCH_BYTES} of them at once; due messages behind
     * them wait for that read, so that all go out in order.
     */
    private void fire() {
        timer = null;
        if (dropped || reading) {
            return;
        }
        long now = System.currentTimeMillis();
        List<Message> messages = null;
        List<Location> locations = null;
        List<QueueName> names = null;
        long bytes = 0;
        while (!index.isEmpty() && index.peekDue() <= now && bytes < READ_BATCH_BYTES) {
            Message m = index.headMessage();
            if (m != null && messages == null) {
                index.removeHead();
                inMemory.addAndGet(-m.bodySize());
                publish(m);
                continue;
            }
            if (messages == null) {
                messages = new java.util.ArrayList<>();
                locations = new java.util.ArrayList<>();
                names = new java.util.ArrayList<>();
            }
            Location at = m == null ? index.headLocation() : null;
            messages.add(m);
            locations.add(at);
            names.add(m != null ? null : index.headSpilled() ? spillName : durableName);
            bytes += m != null ? m.bodySize() : at.length();
            if (m != null) {
                inMemory.addAndGet(-m.bodySize());
            }
            index.removeHead();
        }
        if (messages == null) {
            armTimer();
            return;
        }
        reading = true;
        DueRead r = new DueRead(messages, locations, names);
        try {
            lane.execute(() -> r.readOnLane(store, exchange));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // The broker is stopping and its disk threads are gone: nothing waits for this thread any more.
            r.readOnLane(store, exchange);
        }
    }

    /** Due messages in order: those in memory, and those read back from the log on the disk lane. */
    private final class DueRead {
        final Message[] messages;
        final Location[] locations;
        final QueueName[] names;
        final IOException[] failures;

        DueRead(List<Message> messages, List<Location> locations, List<QueueName> names) {
            this.messages = messages.toArray(new Message[0]);
            this.locations = locations.toArray(new Location[0]);
            this.names = names.toArray(new QueueName[0]);
            this.failures = new IOException[this.messages.length];
        }

        /** On the lane: reads the log's messages, then hands them all back to the exchange's executor. */
        void readOnLane(MessageStore store, DelayedExchange exchange) {
            Location[] wanted = new Location[locations.length];
            int n = 0;
            for (Location l : locations) {
                if (l != null) {
                    wanted[n++] = l;
                }
            }
            io.leveret.store.messages.StoredMessage[] stored = new io.leveret.store.messages.StoredMessage[n];
            IOException[] failed = new IOException[n];
            store.read(wanted, n, stored, failed);
            for (int i = 0, j = 0; i < locations.length; i++) {
                if (locations[i] == null) {
                    continue;
                }
                try {
                    if (failed[j] != null) {
                        failures[i] = failed[j];
                    } else {
                        messages[i] = Persistence.message(stored[j]);
                    }
                } catch (RuntimeException e) {
                    failures[i] = new IOException("malformed delayed message at " + locations[i], e);
                }
                j++;
            }
            try {
                executor.execute(this::publishAll);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                releaseAll();
            }
        }

        /** Back on the executor: routes them in order, then goes on with the next due ones. */
        void publishAll() {
            reading = false;
            if (dropped) {
                // The exchange went meanwhile, and the log already forgot its messages.
                releaseAll();
                return;
            }
            for (int i = 0; i < messages.length; i++) {
                if (messages[i] == null) {
                    LOG.error("{}: cannot read a delayed message at {} back from the log; it is dropped", exchange,
                            locations[i], failures[i]);
                    store.ack(names[i], locations[i]);
                    continue;
                }
                // Routing writes the message again for its durable queues before this ack: the log takes both
                // in that order, so a crash between them cannot lose it (at worst it is delivered twice).
                publish(messages[i]);
                if (locations[i] != null) {
                    store.ack(names[i], locations[i]);
                }
            }
            fire();
        }

        private void releaseAll() {
            for (Message m : messages) {
                if (m != null) {
                    m.release();
                }
            }
        }
    }

    /**
     * Routes a due message (its reference taken over) as the plugin does: with x-delay negated. BCC keys
     * route it but are not delivered, as for any publish (sender-selected distribution).
     */
    private void publish(Message m) {
        Message out = negateDelay(m);
        Set<Queue> targets = new LinkedHashSet<>();
        vhost.route(exchange, out, targets);
        vhost.deliver(out.hasBcc() ? out.withoutBcc(Unpooled.buffer()) : out, targets);
    }

    /** The message with x-delay set to minus its delay, so that it is not delayed again; releases {@code m}. */
    static Message negateDelay(Message m) {
        long delay = DelayedExchange.delayOf(m);
        FieldValue negated = -delay >= Integer.MIN_VALUE ? new FieldValue('I', (int) -delay) : new FieldValue('l', -delay);
        FieldTable headers = m.properties().headers().toBuilder().put(DelayedExchange.DELAY, negated).build();
        Message out = m.withProperties(m.properties().withHeaders(headers), Unpooled.buffer());
        m.release();
        return out;
    }
}
