package io.leveret.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.leveret.server.embedded.EmbeddedLeveret;
import io.leveret.server.embedded.LeveretInject;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.rabbit.annotation.RabbitListener;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Spring Boot's AMQP auto-configuration, unchanged, against a broker from {@link EmbeddedLeveret}: the
 * extension comes first, so its broker is up (and its port known) before Spring builds the context.
 */
@EmbeddedLeveret
@SpringBootTest(classes = SpringAmqpTest.App.class)
class SpringAmqpTest {
    static final String ORDERS = "spring-orders";
    static final String PRICES = "spring-prices";

    @LeveretInject
    static int port;

    @DynamicPropertySource
    static void broker(DynamicPropertyRegistry registry) {
        registry.add("spring.rabbitmq.host", () -> "127.0.0.1");
        registry.add("spring.rabbitmq.port", () -> port);
        registry.add("spring.rabbitmq.username", () -> "guest");
        registry.add("spring.rabbitmq.password", () -> "guest");
    }

    @SpringBootApplication
    static class App {
        final BlockingQueue<String> received = new LinkedBlockingQueue<>();

        @Bean
        Queue orders() {
            return new Queue(ORDERS, true);
        }

        @Bean
        Queue prices() {
            return new Queue(PRICES, false);
        }

        @RabbitListener(queues = ORDERS)
        void onOrder(String order) {
            received.add(order);
        }

        /** Request-reply: the template's reply arrives over direct reply-to. */
        @RabbitListener(queues = PRICES)
        String price(String item) {
            return item + "=" + item.length() * 10;
        }
    }

    @Autowired
    RabbitTemplate template;
    @Autowired
    App app;

    @Test
    void aListenerReceivesWhatTheTemplateSendsInOrder() throws Exception {
        for (int i = 0; i < 20; i++) {
            template.convertAndSend(ORDERS, "order-" + i);
        }
        for (int i = 0; i < 20; i++) {
            assertEquals("order-" + i, app.received.poll(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void sendAndReceiveGetsTheListenersReply() {
        assertEquals("pear=40", template.convertSendAndReceive(PRICES, "pear"));
    }
}
