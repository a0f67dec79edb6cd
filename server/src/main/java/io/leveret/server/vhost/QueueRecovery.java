package io.leveret.server.vhost;

import io.leveret.store.messages.MessageStore;
import io.leveret.store.messages.MessageTimes;
import io.leveret.store.messages.RecoveredMessage;
import java.util.List;

/**
 * Takes one durable {@link Queue}'s messages back from the message log at boot, in order, bodies left on disk
 * until they are handed out. A priority queue needs each message's priority and a deduplicating one its key,
 * which only the log's records hold: {@link #recover} reads them on the booting thread, never on the queue's
 * own (a network loop), and {@link #recovered} makes the entries on the queue's thread.
 *
 * <p>Made for one recovery and dropped after it. Its fields are final and only name the queue's parts; the
 * state it changes is theirs, changed on the queue's thread.
 */
final class QueueRecovery {
    private final Queue queue;
    private final ReadyList ready;
    private final Intake intake;
    private final QueueExpiry expiry;
    private final Paging paging;
    /** The message log the messages come from. */
    private final MessageStore store;
    /** Null unless x-message-deduplication is on for this queue. */
    private final QueueDeduplication deduplication;

    QueueRecovery(Queue queue, ReadyList ready, Intake intake, QueueExpiry expiry, Paging paging, MessageStore store,
                  QueueDeduplication deduplication) {
        this.queue = queue;
        this.ready = ready;
        this.intake = intake;
        this.expiry = expiry;
        this.paging = paging;
        this.store = store;
        this.deduplication = deduplication;
    }

    /** See {@link Queue#recover}; on the booting thread. */
    void recover(List<RecoveredMessage> messages) {
        if (ready.maxPriority() == 0 && deduplication == null) {
            queue.execute(() -> recovered(messages, null));
            return;
        }
        RecoveredProperties props = RecoveredProperties.read(store, messages, queue);
        queue.execute(() -> recovered(messages, props));
    }

    /** On the queue's thread: the recovered messages join the ready list, those {@code props} could not read left out. */
    private void recovered(List<RecoveredMessage> messages, RecoveredProperties props) {
        for (int i = 0; i < messages.size(); i++) {
            RecoveredMessage r = messages.get(i);
            if (props != null && !props.readable(i)) {
                continue;
            }
            long seq = intake.takeSeq();
            int priority = 0;
            if (props != null) {
                priority = ready.laneOf(props.priority(i));
                if (deduplication != null) {
                    deduplication.admit(props.deduplicationKey(i), seq);
                }
            }
            QueueEntry e = new QueueEntry(seq, null, r.location(), r.location().length(), priority);
            e.redelivered = r.redelivered();
            e.deliveryCount = r.redelivered() ? r.deliveryCount() + 1 : 0;
            // The log keeps when the message was enqueued and its own TTL, so its deadline is the one it had;
            // a record from an older log has neither, and its queue TTL restarts now.
            MessageTimes t = r.times();
            expiry.setDeadline(e, t.known() ? QueueExpiry.deadline(queue.settings(), t.enqueuedAt(), t.ttl())
                    : QueueExpiry.deadline(queue.settings(), System.currentTimeMillis(), -1));
            ready.add(e);
        }
        paging.pageIn().pagedOut();
        expiry.expireHead();
    }
}
