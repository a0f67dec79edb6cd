package io.leveret.interop;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * amqplib 0.10 (Node.js), pinned by src/test/node/package-lock.json and installed by the build into
 * target/node. Each case is a script there that prints its checks.
 */
class AmqplibTest {
    private BrokerUnderTest broker;

    /** Per test, so a missing client shows as each test skipped rather than a silent empty class. */
    @BeforeEach
    void broker() {
        ClientScripts.requireAmqplib();
        broker = BrokerUnderTest.shared();
    }

    @Test
    void publishConsumeAckAndNackRequeue() {
        ClientScripts.runNode(broker, "publish_consume.js");
    }

    @Test
    void confirmChannelWaitsForConfirms() {
        ClientScripts.runNode(broker, "confirm.js");
    }

    @Test
    void topicRouting() {
        ClientScripts.runNode(broker, "topic.js");
    }

    @Test
    void prefetchHoldsBackDeliveriesUntilAcked() {
        ClientScripts.runNode(broker, "prefetch.js");
    }

    @Test
    void getRejectAndGetEmpty() {
        ClientScripts.runNode(broker, "get.js");
    }

    @Test
    void channelErrorCarriesRabbitMqTextAndLeavesTheConnectionUsable() {
        ClientScripts.runNode(broker, "channel_error.js");
    }

    @Test
    void amqplainAndPlainLogInAndAWrongPasswordIsRefused() {
        ClientScripts.runNode(broker, "auth.js");
    }
}
