/**
 * Quorum queues across a cluster (issue #16): a replicated queue engine in the manner of RabbitMQ's rabbit_fifo,
 * with many queues in one Raft group. Not wired into AMQP channels yet.
 *
 * <ul>
 *   <li>{@link io.leveret.server.cluster.queues.QueueMachine}: the deterministic state machine. Commands in, effects
 *       out; no I/O, no clock, ordered structures only, so every member reaches the same state (byte for byte in
 *       {@link io.leveret.server.cluster.queues.QueueCodec#encodeSnapshot}).</li>
 *   <li>{@link io.leveret.server.cluster.queues.QueueGroup} and its Ratis state machine: replication, snapshots,
 *       log purge; {@link io.leveret.server.cluster.queues.CommandBatcher}: many commands per log entry.</li>
 *   <li>{@link io.leveret.server.cluster.queues.QueuePool}: a cluster's queues on a few groups (two per node),
 *       all on one Ratis server and port per node, leaders spread by Raft priority, a queue's group chosen by
 *       CRC-32 of its vhost and name.</li>
 * </ul>
 *
 * <p>Rules, and where they were decided against RabbitMQ 3.10's rabbit_fifo:
 * <ul>
 *   <li>Publisher dedup: a publisher's sequence numbers are taken strictly in order (rabbit_fifo's enqueuer
 *       next_seqno). Below the next expected is a re-submission, answered as the first time; above it is answered
 *       OutOfSequence and changes nothing, so that no message is confirmed without being enqueued.</li>
 *   <li>Delivery: the highest-priority consumer with credit (prefetch 0 = unlimited), round-robin among equals.</li>
 *   <li>Return (nack/reject with requeue, a consumer whose channel closed): to the back of the queue, delivery
 *       count + 1, as RabbitMQ 3.10.8 shows it: QuorumQueueTest's aReturnedMessageGoesBehindTheOthersInTheOrderOfReturn
 *       (a message still ready when two others are returned comes out before them) passes against it. Past
 *       x-delivery-limit (count &gt; limit) the message is dead-lettered as delivery_limit, or dropped without a
 *       dead-letter exchange.</li>
 *   <li>Node down: every consumer on the node is cancelled and its unacknowledged messages are returned with
 *       delivery count + 1. rabbit_fifo 3.10 also increments the count when it returns a noconnection consumer's
 *       messages (return_all through return_one); unlike rabbit_fifo, which keeps such a consumer as
 *       suspected_down in case its node comes back, the consumer is gone here: its channel died with its node.</li>
 *   <li>Length limits count ready messages and are judged after deliveries. drop-head drops (or dead-letters as
 *       maxlen) the oldest. reject-publish takes the message that goes over, then refuses until ready messages and
 *       bytes are at most trunc(limit * 0.8); rabbit_fifo tells its enqueuers to block and they refuse, here the
 *       machine refuses, which answers the same and leaves no race between the status and the publishes.</li>
 *   <li>basic.cancel stops deliveries and leaves the consumer's unacknowledged messages with it, to be settled or
 *       returned (AMQP 0-9-1 section 1.8.3.5); a closed channel returns them.</li>
 * </ul>
 *
 * <p>Bodies travel in the Raft log for now, behind {@link io.leveret.server.cluster.queues.Body}; a log entry is
 * at most Ratis' appender byte limit (4 MB by default).
 */
package io.leveret.server.cluster.queues;
