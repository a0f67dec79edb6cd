package io.leveret.bench;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;

/**
 * A short-lived admin connection to a broker under test: who it is, how deep a queue is, and removing
 * what a scenario declared. Each operation gets its own channel, since a 404 closes the channel it hit.
 */
final class Admin implements AutoCloseable {
    private final Connection connection;

    private Admin(Connection connection) {
        this.connection = connection;
    }

    static Admin connect(String uri) throws IOException {
        try {
            ConnectionFactory f = new ConnectionFactory();
            f.setUri(uri);
            f.setAutomaticRecoveryEnabled(false);
            f.setTopologyRecoveryEnabled(false);
            return new Admin(f.newConnection("leveret-bench-admin"));
        } catch (TimeoutException | java.net.URISyntaxException | java.security.GeneralSecurityException e) {
            throw new IOException("cannot connect to " + Target.mask(uri) + ": " + e.getMessage(), e);
        }
    }

    /**
     * "product version" from the server properties of connection.start, e.g. "RabbitMQ 3.10.8". Leveret's
     * {@code version} is the RabbitMQ release it matches; its own is {@code leveret_version}.
     */
    String product() {
        Map<String, Object> p = connection.getServerProperties();
        Object version = p.containsKey("leveret_version") ? p.get("leveret_version") : p.getOrDefault("version", "?");
        return String.valueOf(p.getOrDefault("product", "broker")) + " " + version;
    }

    /** Ready messages in {@code queue}, or -1 if it does not exist. */
    long count(String queue) throws IOException {
        Channel ch = connection.createChannel();
        try {
            return ch.queueDeclarePassive(queue).getMessageCount();
        } catch (IOException notFound) {
            return -1;
        } finally {
            closeQuietly(ch);
        }
    }

    /** Polls until {@code queue} holds at least {@code n} messages or the timeout passes; the last count. */
    long awaitCount(String queue, long n, int timeoutSeconds) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeoutSeconds * 1_000_000_000L;
        long count = count(queue);
        while (count < n && System.nanoTime() < deadline) {
            Thread.sleep(50);
            count = count(queue);
        }
        return count;
    }

    /** Deletes queues and exchanges if they exist. */
    void delete(List<String> queues, List<String> exchanges) throws IOException {
        for (String q : queues) {
            Channel ch = connection.createChannel();
            try {
                ch.queueDelete(q);
            } catch (IOException notFound) {
                // already gone (auto-delete, or the scenario never got to declare it): nothing to clean
            } finally {
                closeQuietly(ch);
            }
        }
        for (String x : exchanges) {
            Channel ch = connection.createChannel();
            try {
                ch.exchangeDelete(x);
            } catch (IOException notFound) {
                // as above
            } finally {
                closeQuietly(ch);
            }
        }
    }

    @Override
    public void close() {
        try {
            connection.close();
        } catch (IOException | RuntimeException e) {
            // the broker may already be gone; nothing left to release on our side
        }
    }

    private static void closeQuietly(Channel ch) {
        try {
            if (ch.isOpen()) {
                ch.close();
            }
        } catch (IOException | TimeoutException | RuntimeException e) {
            // the channel is closed either way
        }
    }
}
