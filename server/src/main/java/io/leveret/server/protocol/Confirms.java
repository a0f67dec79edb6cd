package io.leveret.server.protocol;

import io.leveret.codec.BasicMethod;
import io.leveret.server.stats.Metric;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Publisher confirms for one channel (RabbitMQ's extension). Every publish gets the next sequence number;
 * a transient one is confirmed as soon as it is routed, a persistent one for durable queues once the
 * message log has it on disk. Acks go out coalesced: one {@code multiple} ack up to the lowest number still
 * waiting, single acks for those confirmed above it, nacks for those the store failed.
 */
final class Confirms {
    private final AmqpChannel channel;
    private boolean enabled;
    private long lastSeq;
    private long lastAckSent;
    private boolean scheduled;
    /** Numbers waiting for the disk. */
    private final PendingSequences waiting = new PendingSequences();
    /** Numbers confirmed while a lower one was still waiting: they need an ack of their own. */
    private final TreeSet<Long> confirmedAbove = new TreeSet<>();
    private final List<Long> failed = new ArrayList<>();
    /** Numbers waiting for more than one answer (the disk and queues that may refuse): answers still due. */
    private final java.util.Map<Long, Integer> answersDue = new java.util.HashMap<>();
    /**
     * Numbers above {@link #lastAckSent} already answered on their own (a nack, or a single ack): the next
     * cumulative ack must not answer them again.
     */
    private final TreeSet<Long> answeredAlone = new TreeSet<>();
    /** Numbers a queue refused (x-overflow reject-publish): nacked once every answer is in. */
    private final java.util.Set<Long> refused = new java.util.HashSet<>();

    Confirms(AmqpChannel channel) {
        this.channel = channel;
    }

    void enable() {
        enabled = true;
    }

    boolean enabled() {
        return enabled;
    }

    /** The sequence number of the next publish, or 0 when confirms are off. */
    long next() {
        return enabled ? ++lastSeq : 0;
    }

    /** {@code seq} will be confirmed (or nacked) once {@code answers} calls of {@link #answered} came in. */
    void await(long seq, int answers) {
        waiting.add(seq);
        if (answers > 1) {
            answersDue.put(seq, answers);
        }
    }

    /** A queue that may refuse publishes took {@code seq} in, or refused it. */
    void answered(long seq, boolean accepted) {
        if (!accepted) {
            refused.add(seq);
        }
        durable(seq, null);
    }

    /** {@code seq} is routed and needs nothing else. */
    void confirmed(long seq) {
        if (!waiting.isEmpty() && seq > waiting.first()) {
            confirmedAbove.add(seq);
        }
        schedule();
    }

    /** The message log answered for {@code seq}: durable (failure null) or not. */
    void durable(long seq, Throwable failure) {
        if (!waiting.contains(seq)) {
            return;
        }
        if (failure != null) {
            refused.add(seq);
        }
        Integer due = answersDue.get(seq);
        if (due != null && due > 1) {
            answersDue.put(seq, due - 1);
            return;
        }
        answersDue.remove(seq);
        waiting.remove(seq);
        if (refused.remove(seq)) {
            failed.add(seq);
        } else if (!waiting.isEmpty() && seq > waiting.first()) {
            confirmedAbove.add(seq);
        }
        schedule();
    }

    private void schedule() {
        if (!scheduled) {
            scheduled = true;
            channel.connection().ctx().executor().execute(this::send);
        }
    }

    private void send() {
        scheduled = false;
        if (channel.released()) {
            return;
        }
        for (long seq : failed) {
            channel.send(new BasicMethod.Nack(seq, false, false));
            answeredAlone.add(seq);
        }
        failed.clear();
        long covered = (waiting.isEmpty() ? lastSeq + 1 : waiting.first()) - 1;
        if (covered > lastAckSent) {
            // The ack's own number must be one not answered yet (a single ack would answer a nacked or acked
            // number twice); multiple when other unanswered numbers lie below it.
            long top = covered;
            while (top > lastAckSent && answeredAlone.contains(top)) {
                top--;
            }
            if (top > lastAckSent) {
                long unanswered = top - lastAckSent - answeredAlone.subSet(lastAckSent, false, top, true).size();
                channel.send(new BasicMethod.Ack(top, unanswered > 1));
                channel.stats.add(Metric.CONFIRM, unanswered);
            }
            answeredAlone.headSet(covered, true).clear();
            lastAckSent = covered;
        }
        for (long seq : confirmedAbove) {
            if (seq > covered) {
                channel.send(new BasicMethod.Ack(seq, false));
                channel.stats.add(Metric.CONFIRM);
                answeredAlone.add(seq);
            }
        }
        confirmedAbove.clear();
        channel.connection().flushSoon();
    }
}
