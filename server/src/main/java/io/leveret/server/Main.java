package io.leveret.server;

import io.leveret.server.config.BrokerConfig;
import io.leveret.server.config.ConfigException;
import io.leveret.server.config.ConfigLoader;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;

/**
 * {@code java -jar leveret.jar [--config FILE] [--set key=value ...]} runs the broker;
 * {@code java -jar leveret.jar export-definitions [--config FILE] [--set ...] OUT.json} writes the stored
 * definitions of a stopped or running broker in RabbitMQ's format; {@code java -jar leveret.jar ctl COMMAND ...}
 * is leveretctl, rabbitmqctl's commands over the management HTTP API.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("ctl")) {
            // leveretctl: a client of the management API; nothing of the broker is loaded
            io.leveret.server.ctl.Leveretctl.main(java.util.Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        if (ConfigLoader.helpRequested(args)) {
            System.out.print(ConfigLoader.usage());
            System.out.println("       leveret export-definitions [--config FILE] [--set key=value]... OUT.json");
            System.out.println("                         write the stored definitions of a stopped or running broker, in RabbitMQ's format");
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
            log.error("cannot start: {}", e.toString(), e); // the stack trace too: a fatal error must be traceable
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            broker.close();
            stopped.countDown();
        }, "leveret-shutdown"));
        // SIGTERM and SIGINT are how operators stop a broker (systemd, Ctrl-C): a clean stop, so status 0
        // instead of the JVM's 143/130; the hook above does the stopping.
        for (String name : new String[] {"TERM", "INT"}) {
            sun.misc.Signal.handle(new sun.misc.Signal(name), signal -> {
                log.info("SIG{} received: stopping", name);
                System.exit(0);
            });
        }
        stopped.await();
    }

    /**
     * Standard error at log.console.level and, when set, log.file at log.file.level, both at once
     * ({@link io.leveret.server.log.LogSinks}). A log.file that cannot be opened stops the broker.
     */
    static void configureLogging(BrokerConfig.Log log) {
        try {
            io.leveret.server.log.LogSinks.configure(io.leveret.server.log.LogSinks.threshold(log.consoleLevel()),
                    log.file(), io.leveret.server.log.LogSinks.threshold(log.fileLevel()));
        } catch (java.io.IOException e) {
            System.err.println("leveret: cannot open log.file " + log.file() + ": " + e.getMessage());
            System.exit(1);
        }
    }

    /**
     * Exit status: 0, or 1 with the reason on standard error. A stopped broker's store is opened as at boot
     * (which repairs what a crash left); a running broker holds data_dir's lock, so its committed definitions
     * are read from the definitions journal instead, without writing anything.
     */
    private static int exportDefinitions(BrokerConfig config, java.nio.file.Path out) {
        try {
            io.leveret.store.definitions.Definitions defs;
            String state;
            try (io.leveret.store.Store store = io.leveret.store.Store.open(config.dataDir())) {
                defs = store.definitions().snapshot();
                state = "stopped";
            } catch (io.leveret.store.DataDirLockedException running) {
                defs = io.leveret.store.Store.readDefinitions(config.dataDir());
                state = "running";
            }
            io.leveret.server.definitions.DefinitionsFile.write(defs, out);
            System.out.println("exported definitions of the " + state + " broker in " + config.dataDir() + " to " + out);
            return 0;
        } catch (java.io.IOException | RuntimeException e) {
            System.err.println("leveret: cannot export: " + e.getMessage());
            return 1;
        }
    }
}
