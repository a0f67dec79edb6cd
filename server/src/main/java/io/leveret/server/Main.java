package io.leveret.server;

import io.leveret.server.config.BrokerConfig;
import io.leveret.server.config.ConfigException;
import io.leveret.server.config.ConfigLoader;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;

/** {@code java -jar leveret.jar [--config FILE] [--set key=value ...]} */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) throws Exception {
        if (ConfigLoader.helpRequested(args)) {
            System.out.print(ConfigLoader.usage());
            return;
        }
        BrokerConfig config;
        try {
            config = ConfigLoader.load(args, System.getenv());
        } catch (ConfigException e) {
            System.err.println("leveret: " + e.getMessage());
            System.exit(1);
            return;
        }
        Logger log = org.slf4j.LoggerFactory.getLogger(Main.class);
        config.warnings().forEach(log::warn);
        Broker broker;
        try {
            broker = Broker.start(config);
        } catch (Exception e) {
            log.error("cannot start: {}", e.toString());
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            broker.close();
            stopped.countDown();
        }, "leveret-shutdown"));
        stopped.await();
    }
}
