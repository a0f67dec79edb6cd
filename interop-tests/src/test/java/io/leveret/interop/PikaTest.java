package io.leveret.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * pika 1.x (Debian's python3-pika) running the RabbitMQ tutorials and a few error paths. Each case is a
 * script in src/test/python that prints its checks; see those files for what exactly is asserted.
 */
class PikaTest {
    private BrokerUnderTest broker;

    /** Per test, so a missing client shows as each test skipped rather than a silent empty class. */
    @BeforeEach
    void broker() {
        ClientScripts.requirePika();
        broker = BrokerUnderTest.shared();
    }

    /** Tutorial one: receive.py waits on the queue, send.py publishes, the consumer prints what arrived. */
    @Test
    void helloWorldConsumerPrintsWhatThePublisherSent() {
        String queue = "hello-" + UUID.randomUUID();
        try (ClientScripts.Running consumer = ClientScripts.Running.start(
                ClientScripts.python(broker, "hello_receive.py", queue, "2"), ClientScripts.pythonDir())) {
            consumer.awaitOutput("Waiting for messages", Duration.ofSeconds(20));
            String sent = ClientScripts.runPython(broker, "hello_send.py", queue, "Hello World!", "second message");
            assertTrue(sent.contains(" [x] Sent 'Hello World!'"), sent);

            int code = consumer.awaitExit(ClientScripts.SCRIPT_TIMEOUT);
            String out = consumer.output();
            assertEquals(0, code, out);
            assertTrue(out.contains("Received b'Hello World!'\nReceived b'second message'\n"), out);
        }
    }

    @Test
    void workQueuesDispatchFairlyWithPrefetchOneAndKeepPersistentMessagesDurable() {
        ClientScripts.runPython(broker, "work_queues.py");
    }

    @Test
    void publishSubscribeFansOutToExclusiveServerNamedQueues() {
        ClientScripts.runPython(broker, "publish_subscribe.py");
    }

    @Test
    void routingDeliversByDirectBindingsAndReturnsUnroutable() {
        ClientScripts.runPython(broker, "routing.py");
    }

    @Test
    void topicsMatchStarAndHash() {
        ClientScripts.runPython(broker, "topics.py");
    }

    @Test
    void rpcRepliesCarryTheCorrelationIdToTheCallbackQueue() {
        ClientScripts.runPython(broker, "rpc.py");
    }

    @Test
    void basicGetRejectNackAndAChannelErrorThatLeavesTheConnectionUsable() {
        ClientScripts.runPython(broker, "basics.py");
    }

    @Test
    void priorityQueueOrderAndConsumerPriorityValidation() {
        ClientScripts.runPython(broker, "priorities.py");
    }
}
