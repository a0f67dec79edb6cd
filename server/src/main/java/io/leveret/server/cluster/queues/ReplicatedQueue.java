package io.leveret.server.cluster.queues;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One queue of the {@link QueueMachine}: its ready messages in FIFO order, its consumers with what each holds
 * unacknowledged, and the next sequence number it expects from each publisher. Deterministic: iteration is
 * over ordered structures only, so every member that applies the same commands holds the same state.
 */
final class ReplicatedQueue {
    /** A consumer and what it holds. */
    static final class Consumer {
        final ConsumerId id;
        int prefetch;
        int priority;
        /** basic.cancel'ed: gets nothing more, kept until its unacknowledged messages are settled or returned. */
        boolean cancelled;
        final CheckedOut checkedOut = new CheckedOut();

        Consumer(ConsumerId id, int prefetch, int priority) {
            this.id = id;
            this.prefetch = prefetch;
            this.priority = priority;
        }

        boolean hasCredit() {
            return !cancelled && (prefetch == 0 || checkedOut.size() < prefetch);
        }
    }

    final QueueName name;
    final QueueConfig config;
    /** The id the next enqueued message gets. */
    long nextId;
    final ArrayDeque<QueuedMessage> ready = new ArrayDeque<>();
    long readyBytes;
    /** Over its limit with reject-publish: enqueues are refused until it is back down to 80% of it. */
    boolean blocked;
    /**
     * Publisher to {next expected sequence number, which of the last {@link #REMEMBERED} were refused (bit 0: the
     * latest)}: an array so that an enqueue boxes nothing.
     */
    final TreeMap<String, long[]> publishers = new TreeMap<>();
    static final int NEXT = 0;
    static final int REFUSED = 1;
    /** How far back a re-submitted refused message is still answered as refused rather than confirmed. */
    static final int REMEMBERED = 64;
    /** Every consumer, cancelled ones still holding messages included, in the order they came. */
    final LinkedHashMap<ConsumerId, Consumer> consumers = new LinkedHashMap<>();
    /** Consumers that may get deliveries, in round-robin order: the one served last goes to the end. */
    final ArrayList<Consumer> serviceOrder = new ArrayList<>();

    ReplicatedQueue(QueueName name, QueueConfig config) {
        this.name = name;
        this.config = config;
    }

    /**
     * A publisher's message {@code seq}. Sequence numbers are taken in order, one after the other, as rabbit_fifo
     * takes its enqueuers': the next expected applies; one already taken is a re-submission and is answered as
     * the first time (confirmed, or refused if the queue refused it; see {@link #REMEMBERED}); one past the next
     * expected is answered {@link Effect.OutOfSequence} and changes nothing, so that a message is never confirmed
     * without being in the queue. A publisher's first message may carry any number.
     */
    void enqueue(String publisher, long seq, Body body, List<Effect> effects) {
        long[] state = publishers.get(publisher);
        if (state != null && seq < state[NEXT]) {
            long back = state[NEXT] - 1 - seq;
            boolean refused = back < REMEMBERED && (state[REFUSED] & (1L << back)) != 0;
            effects.add(refused ? new Effect.Refuse(name, publisher, seq) : new Effect.Confirm(name, publisher, seq));
            return;
        }
        if (state != null && seq > state[NEXT]) {
            effects.add(new Effect.OutOfSequence(name, publisher, seq, state[NEXT]));
            return;
        }
        if (state == null) {
            state = new long[] {seq, 0};
            publishers.put(publisher, state);
        }
        state[NEXT] = seq + 1;
        state[REFUSED] <<= 1;
        if (blocked) {
            state[REFUSED] |= 1;
            effects.add(new Effect.Refuse(name, publisher, seq));
            return;
        }
        ready.addLast(new QueuedMessage(nextId++, 0, body));
        readyBytes += body.size();
        effects.add(new Effect.Confirm(name, publisher, seq));
        deliver(effects);
        evaluateLimit(effects);
    }

    void checkout(ConsumerId id, int prefetch, int priority, List<Effect> effects) {
        Consumer consumer = consumers.get(id);
        if (consumer == null) {
            consumer = new Consumer(id, prefetch, priority);
            consumers.put(id, consumer);
            serviceOrder.add(consumer);
        } else {
            consumer.prefetch = prefetch;
            consumer.priority = priority;
            if (consumer.cancelled) {
                consumer.cancelled = false;
                serviceOrder.add(consumer);
            }
        }
        deliver(effects);
        evaluateLimit(effects);
    }

    void settle(ConsumerId id, long[] ids, List<Effect> effects) {
        Consumer consumer = consumers.get(id);
        if (consumer == null) {
            return;
        }
        for (long messageId : ids) {
            consumer.checkedOut.remove(messageId);
        }
        forgetIfDone(consumer);
        deliver(effects);
    }

    void giveBack(ConsumerId id, long[] ids, List<Effect> effects) {
        if (takeBack(id, ids, message -> returnOne(message, effects), effects)) {
            evaluateLimit(effects);
        }
    }

    void discard(ConsumerId id, long[] ids, List<Effect> effects) {
        takeBack(id, ids, message -> deadLetter(message, Effect.Reason.REJECTED, effects), effects);
    }

    /**
     * Takes the messages {@code ids} back from consumer {@code id} and hands each to {@code each}, then delivers
     * what can go; false if there is no such consumer.
     */
    private boolean takeBack(ConsumerId id, long[] ids, java.util.function.Consumer<QueuedMessage> each,
                             List<Effect> effects) {
        Consumer consumer = consumers.get(id);
        if (consumer == null) {
            return false;
        }
        for (long messageId : ids) {
            QueuedMessage message = consumer.checkedOut.remove(messageId);
            if (message != null) {
                each.accept(message);
            }
        }
        forgetIfDone(consumer);
        deliver(effects);
        return true;
    }

    void cancel(ConsumerId id, boolean returnUnacked, List<Effect> effects) {
        Consumer consumer = consumers.get(id);
        if (consumer == null) {
            return;
        }
        serviceOrder.remove(consumer);
        consumer.cancelled = true;
        if (returnUnacked) {
            consumers.remove(id);
            for (QueuedMessage message : consumer.checkedOut.sorted()) {
                returnOne(message, effects);
            }
            consumer.checkedOut.clear();
        } else {
            forgetIfDone(consumer);
        }
        deliver(effects);
        evaluateLimit(effects);
    }

    void purge(List<Effect> effects) {
        long count = ready.size();
        ready.clear();
        readyBytes = 0;
        effects.add(new Effect.Purged(name, count));
        evaluateLimit(effects);
    }

    /** Ready and unacknowledged messages together, as queue.delete-ok counts them. */
    long messageCount() {
        long count = ready.size();
        for (Consumer consumer : consumers.values()) {
            count += consumer.checkedOut.size();
        }
        return count;
    }

    long unackedCount() {
        return messageCount() - ready.size();
    }

    void delete(List<Effect> effects) {
        for (Consumer consumer : serviceOrder) {
            effects.add(new Effect.ConsumerCancelled(name, consumer.id));
        }
        effects.add(new Effect.Deleted(name, messageCount()));
    }

    /** Consumers on {@code node}, in order: what a node going down cancels. */
    List<ConsumerId> consumersOn(String node) {
        List<ConsumerId> out = new ArrayList<>();
        for (Map.Entry<ConsumerId, Consumer> e : consumers.entrySet()) {
            if (e.getKey().node().equals(node)) {
                out.add(e.getKey());
            }
        }
        return out;
    }

    /**
     * Back to the end of the queue with its delivery count one higher; past the delivery limit it is
     * dead-lettered (or dropped) instead, as rabbit_fifo does when the count exceeds x-delivery-limit.
     */
    private void returnOne(QueuedMessage message, List<Effect> effects) {
        message.deliveryCount++;
        if (config.deliveryLimit() != QueueConfig.NO_LIMIT && message.deliveryCount > config.deliveryLimit()) {
            deadLetter(message, Effect.Reason.DELIVERY_LIMIT, effects);
            return;
        }
        ready.addLast(message);
        readyBytes += message.body.size();
    }

    private void deadLetter(QueuedMessage message, Effect.Reason reason, List<Effect> effects) {
        if (config.deadLetter()) {
            effects.add(new Effect.DeadLetter(name, reason, message.deliveryCount, message.body));
        }
    }

    private void forgetIfDone(Consumer consumer) {
        if (consumer.cancelled && consumer.checkedOut.isEmpty()) {
            consumers.remove(consumer.id);
        }
    }

    /** Hands ready messages to consumers with credit: the highest priority first, round-robin among equals. */
    private void deliver(List<Effect> effects) {
        while (!ready.isEmpty()) {
            int chosen = -1;
            for (int i = 0; i < serviceOrder.size(); i++) {
                Consumer candidate = serviceOrder.get(i);
                if (candidate.hasCredit() && (chosen < 0 || candidate.priority > serviceOrder.get(chosen).priority)) {
                    chosen = i;
                }
            }
            if (chosen < 0) {
                return;
            }
            Consumer consumer = serviceOrder.remove(chosen);
            serviceOrder.add(consumer);
            QueuedMessage message = ready.pollFirst();
            readyBytes -= message.body.size();
            consumer.checkedOut.put(message);
            effects.add(new Effect.Deliver(name, consumer.id, message.id, message.deliveryCount, message.body));
        }
    }

    /**
     * Length limits count ready messages, as rabbit_fifo does, and are judged after deliveries. drop-head drops (or
     * dead-letters as maxlen) the oldest until within the limit. reject-publish, as in RabbitMQ 3.10, takes the
     * message that goes over, then refuses until the ready messages and bytes are down to 80% of the limits.
     */
    private void evaluateLimit(List<Effect> effects) {
        if (!config.hasLengthLimit()) {
            return;
        }
        if (config.overflow() == QueueConfig.Overflow.DROP_HEAD) {
            while (overLimit()) {
                QueuedMessage head = ready.pollFirst();
                readyBytes -= head.body.size();
                deadLetter(head, Effect.Reason.MAXLEN, effects);
            }
        } else if (!blocked && overLimit()) {
            blocked = true;
        } else if (blocked && belowSoftLimit()) {
            blocked = false;
        }
    }

    private boolean overLimit() {
        return (config.maxLength() != QueueConfig.NO_LIMIT && ready.size() > config.maxLength())
                || (config.maxLengthBytes() != QueueConfig.NO_LIMIT && readyBytes > config.maxLengthBytes());
    }

    /** RabbitMQ's trunc(Limit * 0.8); Java 17's doubles are strict, so every member computes the same. */
    private boolean belowSoftLimit() {
        return (config.maxLength() == QueueConfig.NO_LIMIT || ready.size() <= (long) (config.maxLength() * 0.8))
                && (config.maxLengthBytes() == QueueConfig.NO_LIMIT || readyBytes <= (long) (config.maxLengthBytes() * 0.8));
    }
}
