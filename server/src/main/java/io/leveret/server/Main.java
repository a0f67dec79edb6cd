package io.leveret.server;

import io.leveret.server.config.BrokerConfig;
import io.leveret.server.config.ConfigException;
import io.leveret.server.config.ConfigLoader;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;

/**
 * {@code java -jar leveret.jar [--config FILE] [--set key=value ...]} runs the broker;
 * {@code java -jar leveret.jar export-definitions [--config FILE] [--set ...] OUT.json} writes the stored
 * definitions of a stopped broker in RabbitMQ's format.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) throws Exception {
        if (ConfigLoader.helpRequested(args)) {
            System.out.print(ConfigLoader.usage());
            System.out.println("       leveret export-definitions [--config FILE] [--set key=value]... OUT.json");
            System.out.println("                         write the stored definitions of a stopped broker, in RabbitMQ's format");
            return;
        }
        boolean export = args.length > 0 && args[0].equals("export-definitions");
        String exportTo = null;
        if (export) {
            if (args.length < 2 || args[args.length - 1].startsWith("--")) {
                System.err.println("leveret: usage: export-definitions [--config FILE] [--set key=value]... OUT.json");
                System.exit(2);
                return;
            }
            exportTo = args[args.length - 1];
            args = java.util.Arrays.copyOfRange(args, 1, args.length - 1);
        }
        BrokerConfig config;
        try {
            config = ConfigLoader.load(args, System.getenv());
        } catch (ConfigException e) {
            System.err.println("leveret: " + e.getMessage());
            System.exit(1);
            return;
        }
        configureLogging(config.log());
        if (export) {
            System.exit(exportDefinitions(config, java.nio.file.Path.of(exportTo)));
            return;
        }
        Logger log = org.slf4j.LoggerFactory.getLogger(Main.class);
        config.warnings().forEach(log::warn);
        JvmDefaults.apply();
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

    /**
     * slf4j-simple reads its settings once, at the first logger: log.file (else standard error) at
     * log.file.level (else log.console.level), RabbitMQ's level names mapped to SLF4J's.
     */
    static void configureLogging(BrokerConfig.Log log) {
        String level = log.file() != null ? log.fileLevel() : log.consoleLevel();
        String slf4j = switch (level) {
            case "debug" -> "debug";
            case "warning" -> "warn";
            case "error", "critical" -> "error";
            case "none" -> "off";
            default -> "info";
        };
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", slf4j);
        if (log.file() != null) {
            System.setProperty("org.slf4j.simpleLogger.logFile", log.file().toString());
        }
        System.setProperty("org.slf4j.simpleLogger.showDateTime", "true");
    }

    /** Exit status: 0, or 1 with the reason on standard error (a running broker holds data_dir's lock). */
    private static int exportDefinitions(BrokerConfig config, java.nio.file.Path out) {
        try (io.leveret.store.Store store = io.leveret.store.Store.open(config.dataDir())) {
            io.leveret.server.definitions.DefinitionsFile.write(store.definitions().snapshot(), out);
            System.out.println("exported definitions of " + config.dataDir() + " to " + out);
            return 0;
        } catch (io.leveret.store.DataDirLockedException e) {
            System.err.println("leveret: cannot export: " + e.getMessage()
                    + " (a broker is running on this data_dir; stop it first)");
            return 1;
        } catch (java.io.IOException | RuntimeException e) {
            System.err.println("leveret: cannot export: " + e.getMessage());
            return 1;
        }
    }
}
