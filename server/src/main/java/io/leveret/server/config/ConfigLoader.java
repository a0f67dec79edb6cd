package io.leveret.server.config;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Builds the {@link BrokerConfig} from four sources, highest precedence first:
 * <ol>
 *   <li>command line: {@code --config FILE} picks the file, {@code --set key=value} (repeatable) sets a key;</li>
 *   <li>environment: {@code LEVERET_CONFIG} picks the file if {@code --config} did not, and
 *       {@code LEVERET_<KEY>} sets a key (KEY upper-cased, dots as underscores: {@code LEVERET_DATA_DIR});</li>
 *   <li>the config file, rabbitmq.conf syntax (see {@link ConfigFile});</li>
 *   <li>the built-in defaults of the key table ({@link Settings}).</li>
 * </ol>
 * Anything wrong stops boot with a {@link ConfigException}; RabbitMQ keys Leveret does not honour yet
 * become {@link BrokerConfig#warnings()} instead. There is no global instance: Main passes the result on.
 */
public final class ConfigLoader {

    static final String ENV_PREFIX = "LEVERET_";
    /** Environment variable naming the config file when {@code --config} is not given. */
    public static final String CONFIG_ENV = "LEVERET_CONFIG";
    private static final String DEFAULT_SOURCE = "built-in default";

    private final Map<String, Assignment> assignments = new LinkedHashMap<>();
    private final List<String> warnings = new ArrayList<>();

    private ConfigLoader() {
    }

    /**
     * Resolves the configuration.
     *
     * @param args the command-line arguments as given to {@code main}
     * @param env  the environment, normally {@code System.getenv()}
     * @throws ConfigException for an unknown argument or key, a bad value, or an unreadable file
     */
    public static BrokerConfig load(String[] args, Map<String, String> env) {
        CommandLine commandLine = CommandLine.parse(args);
        ConfigLoader loader = new ConfigLoader();
        if (commandLine.configFile() != null) {
            loader.fromFile(ConfigFile.read(toPath(commandLine.configFile(), "command line --config")));
        } else if (env.containsKey(CONFIG_ENV)) {
            loader.fromFile(ConfigFile.read(toPath(env.get(CONFIG_ENV).strip(), "environment variable " + CONFIG_ENV)));
        }
        loader.fromEnvironment(env);
        commandLine.sets().forEach(loader::assign);
        return resolve(loader.assignments, loader.warnings);
    }

    /** True if the arguments ask for usage text; Main checks this before {@link #load}. */
    public static boolean helpRequested(String[] args) {
        return List.of(args).contains("--help") || List.of(args).contains("-h");
    }

    /** Usage text for {@code --help} and for unknown arguments. */
    public static String usage() {
        return """
                usage: leveret [--config FILE] [--set key=value]...
                  --config FILE     read settings from FILE (rabbitmq.conf syntax); else $LEVERET_CONFIG, if set
                  --set key=value   set one key, overriding environment and file (repeatable)
                  --help            print this text
                Environment: LEVERET_<KEY> sets a key, KEY upper-cased with dots as underscores
                (LEVERET_LISTENERS_TCP_DEFAULT=5673). Precedence: command line > environment > file > default.
                Every key, with its default, is listed in conf/leveret.conf.
                """;
    }

    /** Applies the key table to the assignments that survived precedence; shared with {@link BrokerConfig#defaults()}. */
    static BrokerConfig resolve(Map<String, Assignment> assignments, List<String> warnings) {
        int channelMax = value(assignments, Settings.CHANNEL_MAX);
        return new BrokerConfig(
                listeners(assignments),
                value(assignments, Settings.DATA_DIR),
                value(assignments, Settings.PORT_FILE).orElse(null),
                value(assignments, Settings.HEARTBEAT),
                value(assignments, Settings.FRAME_MAX),
                // AMQP 0-9-1 section 4.2.3 / connection.tune: channel-max 0 means "no limit", i.e. the 16-bit maximum.
                channelMax == 0 ? 65535 : channelMax,
                value(assignments, Settings.DEFAULT_USER),
                value(assignments, Settings.DEFAULT_PASS),
                value(assignments, Settings.DEFAULT_VHOST),
                value(assignments, Settings.MAX_MESSAGE_SIZE),
                value(assignments, Settings.HANDSHAKE_TIMEOUT),
                new BrokerConfig.Tls(
                        members(assignments, Settings.LISTENERS_SSL).values().stream().flatMap(Optional::stream)
                                .toList(),
                        value(assignments, Settings.SSL_CACERTFILE).orElse(null),
                        value(assignments, Settings.SSL_CERTFILE).orElse(null),
                        value(assignments, Settings.SSL_KEYFILE).orElse(null),
                        value(assignments, Settings.SSL_VERIFY).equals("verify_peer"),
                        value(assignments, Settings.SSL_FAIL_IF_NO_PEER_CERT)),
                new BrokerConfig.Security(
                        trueMembers(assignments, Settings.DEFAULT_USER_TAGS),
                        value(assignments, Settings.DEFAULT_PERMISSIONS_CONFIGURE),
                        value(assignments, Settings.DEFAULT_PERMISSIONS_WRITE),
                        value(assignments, Settings.DEFAULT_PERMISSIONS_READ),
                        value(assignments, Settings.LOOPBACK_USERS_NONE).equals("none")
                                ? Set.of() : Set.copyOf(trueMembers(assignments, Settings.LOOPBACK_USERS)),
                        List.copyOf(new java.util.LinkedHashSet<>(
                                members(assignments, Settings.AUTH_MECHANISMS).values()))),
                new BrokerConfig.Resources(
                        value(assignments, Settings.CONNECTION_MAX),
                        value(assignments, Settings.VM_MEMORY_HIGH_WATERMARK_RELATIVE).orElse(0.4),
                        value(assignments, Settings.VM_MEMORY_HIGH_WATERMARK_ABSOLUTE).orElse(-1),
                        value(assignments, Settings.VM_MEMORY_HIGH_WATERMARK_PAGING_RATIO).orElse(0.5),
                        value(assignments, Settings.DISK_FREE_LIMIT_ABSOLUTE).orElse(50L << 20),
                        value(assignments, Settings.DISK_FREE_LIMIT_RELATIVE).orElse(-1)),
                value(assignments, Settings.LOAD_DEFINITIONS).orElse(null),
                new BrokerConfig.Log(
                        value(assignments, Settings.LOG_CONSOLE_LEVEL),
                        value(assignments, Settings.LOG_FILE).orElse(null),
                        value(assignments, Settings.LOG_FILE_LEVEL)),
                value(assignments, Settings.CLUSTER_NAME),
                value(assignments, Settings.NODENAME),
                cluster(assignments),
                new BrokerConfig.Management(
                        value(assignments, Settings.MANAGEMENT_ENABLED),
                        value(assignments, Settings.MANAGEMENT_TCP_IP).isEmpty() ? null
                                : value(assignments, Settings.MANAGEMENT_TCP_IP),
                        value(assignments, Settings.MANAGEMENT_TCP_PORT),
                        value(assignments, Settings.MANAGEMENT_PORT_FILE).orElse(null)),
                new BrokerConfig.Metrics(
                        value(assignments, Settings.COLLECT_STATISTICS_INTERVAL),
                        !value(assignments, Settings.DISABLE_METRICS_COLLECTOR),
                        value(assignments, Settings.PROMETHEUS_TCP_IP),
                        value(assignments, Settings.PROMETHEUS_TCP_PORT),
                        value(assignments, Settings.PROMETHEUS_PORT_FILE).orElse(null),
                        value(assignments, Settings.PROMETHEUS_PER_OBJECT)),
                warnings);
    }

    /**
     * A family's members as key suffix to value, in the order set; the built-in defaults only when no
     * member is set at all (an explicit list replaces them, as in RabbitMQ).
     */
    private static <T> Map<String, T> members(Map<String, Assignment> assignments, Setting<T> family) {
        List<Assignment> set = assignments.values().stream().filter(a -> family.matches(a.key())).toList();
        if (set.isEmpty()) {
            set = family.defaults().entrySet().stream()
                    .map(e -> new Assignment(e.getKey(), e.getValue(), DEFAULT_SOURCE)).toList();
        }
        Map<String, T> out = new LinkedHashMap<>();
        for (Assignment a : set) {
            out.put(a.key().substring(family.familyPrefix().length()), parse(family, a));
        }
        return out;
    }

    /**
     * The cluster the classic_config node list describes, or null when it lists none (a single node, as
     * RabbitMQ's classic_config with no nodes). This node must be in the list: the metadata group's members are
     * fixed by it, and a node outside it could never take part.
     */
    private static BrokerConfig.Cluster cluster(Map<String, Assignment> assignments) {
        // Checked even without a node list, so that a bad value stops boot before it is ever needed.
        value(assignments, Settings.PEER_DISCOVERY_BACKEND);
        String bind = value(assignments, Settings.DISTRIBUTION_INTERFACE);
        int port = value(assignments, Settings.DISTRIBUTION_PORT);
        int timeout = value(assignments, Settings.METADATA_TIMEOUT);
        Map<String, Optional<String>> listed = members(assignments, Settings.CLASSIC_CONFIG_NODES);
        Map<String, String> keyOfNode = new LinkedHashMap<>();
        for (Map.Entry<String, Optional<String>> member : listed.entrySet()) {
            if (member.getValue().isEmpty()) {
                continue;
            }
            String node = member.getValue().get();
            String key = Settings.CLASSIC_CONFIG_NODES.familyPrefix() + member.getKey();
            String earlier = keyOfNode.putIfAbsent(node, key);
            if (earlier != null) {
                throw new ConfigException("node '" + node + "' of key '" + key + "' in " + source(assignments, key)
                        + " is already listed by key '" + earlier + "'");
            }
        }
        if (keyOfNode.isEmpty()) {
            return null;
        }
        String self = value(assignments, Settings.NODENAME);
        if (!keyOfNode.containsKey(self)) {
            throw new ConfigException("this node, '" + self + "' (key 'nodename' in "
                    + source(assignments, Settings.NODENAME.name()) + "), is not among the cluster's nodes "
                    + keyOfNode.keySet() + " (keys '" + Settings.CLASSIC_CONFIG_NODES.familyPrefix()
                    + "*'): list it there, or set nodename to one of them");
        }
        List<String> nodes = List.copyOf(keyOfNode.keySet());
        String configuredName = value(assignments, Settings.CLUSTER_NAME);
        String name = configuredName.isEmpty() ? nodes.stream().sorted().findFirst().orElseThrow() : configuredName;
        return new BrokerConfig.Cluster(name, nodes, bind.isEmpty() ? null : bind, port, timeout);
    }

    private static String source(Map<String, Assignment> assignments, String key) {
        Assignment assignment = assignments.get(key);
        return assignment == null ? DEFAULT_SOURCE : assignment.source();
    }

    /** The members of a boolean family set to true: default_user_tags.administrator = true. */
    private static List<String> trueMembers(Map<String, Assignment> assignments, Setting<Boolean> family) {
        return members(assignments, family).entrySet().stream().filter(Map.Entry::getValue)
                .map(Map.Entry::getKey).toList();
    }

    private void fromFile(List<Assignment> fileAssignments) {
        Set<String> seen = new HashSet<>();
        for (Assignment assignment : fileAssignments) {
            Assignment earlier = assignments.get(assignment.key());
            if (!seen.add(assignment.key()) && earlier != null) {
                warnings.add("key '" + assignment.key() + "' in " + assignment.source() + " repeats "
                        + earlier.source() + "; the later value wins");
            }
            assign(assignment);
        }
    }

    /** Sorted, so that warnings come out in the same order on every run. */
    private void fromEnvironment(Map<String, String> env) {
        for (Map.Entry<String, String> entry : new TreeMap<>(env).entrySet()) {
            String name = entry.getKey();
            if (!name.startsWith(ENV_PREFIX) || name.equals(CONFIG_ENV)) {
                continue;
            }
            String key = keyOfEnvironmentName(name);
            if (key == null) {
                // A warning, not an error: scripts may set LEVERET_* variables of their own (LEVERET_HOME, ...).
                warnings.add("ignoring environment variable " + name + ": it names no Leveret setting");
                continue;
            }
            assign(new Assignment(key, entry.getValue().strip(), "environment variable " + name));
        }
    }

    private void assign(Assignment assignment) {
        String key = assignment.key();
        if (Settings.find(key) != null) {
            assignments.put(key, assignment);
        } else if (RabbitMqKeys.isUnsupported(key)) {
            warnings.add("ignoring key '" + key + "' in " + assignment.source()
                    + ": a RabbitMQ setting Leveret does not support yet");
        } else {
            throw new ConfigException("unknown key '" + key + "' in " + assignment.source()
                    + ": Leveret does not know this setting (conf/leveret.conf lists every key)");
        }
    }

    private static String keyOfEnvironmentName(String name) {
        for (Setting<?> setting : Settings.ALL) {
            if (setting.isFamily() && name.startsWith(setting.environmentName())
                    && name.length() > setting.environmentName().length()) {
                String member = name.substring(setting.environmentName().length()).toLowerCase(Locale.ROOT);
                return setting.familyPrefix() + member;
            }
            if (!setting.isFamily() && name.equals(setting.environmentName())) {
                return setting.name();
            }
        }
        return null;
    }

    private static <T> T value(Map<String, Assignment> assignments, Setting<T> setting) {
        Assignment assignment = assignments.get(setting.name());
        if (assignment == null) {
            assignment = new Assignment(setting.name(), setting.defaultValue(), DEFAULT_SOURCE);
        }
        return parse(setting, assignment);
    }

    /** A family's default member applies only when no member is set: an explicit list replaces it. */
    private static List<Listener> listeners(Map<String, Assignment> assignments) {
        Setting<Listener> family = Settings.LISTENERS_TCP;
        List<Assignment> members = assignments.values().stream()
                .filter(a -> family.matches(a.key()))
                .toList();
        if (members.isEmpty()) {
            members = List.of(new Assignment(family.defaultKey(), family.defaultValue(), DEFAULT_SOURCE));
        }
        List<Listener> listeners = new ArrayList<>();
        Map<Listener, Assignment> bound = new HashMap<>();
        for (Assignment member : members) {
            Listener listener = parse(family, member);
            // Port 0 picks a fresh free port per listener, so only fixed ports can clash.
            Assignment clash = listener.port() == 0 ? null : bound.putIfAbsent(listener, member);
            if (clash != null) {
                throw new ConfigException("listener " + listener + " of key '" + member.key() + "' in "
                        + member.source() + " is already configured by key '" + clash.key() + "' in "
                        + clash.source());
            }
            listeners.add(listener);
        }
        return listeners;
    }

    private static <T> T parse(Setting<T> setting, Assignment assignment) {
        try {
            return setting.type().parse(assignment.value());
        } catch (IllegalArgumentException e) {
            throw new ConfigException("bad value '" + assignment.value() + "' for key '" + assignment.key()
                    + "' in " + assignment.source() + ": expected " + setting.type().expected());
        }
    }

    private static Path toPath(String text, String source) {
        try {
            if (text.isEmpty()) {
                throw new InvalidPathException(text, "empty");
            }
            return Path.of(text);
        } catch (InvalidPathException e) {
            throw new ConfigException("bad config file name '" + text + "' in " + source + ": " + e.getReason());
        }
    }

    /** The command line, split into the file choice and the {@code --set} assignments in order. */
    private record CommandLine(String configFile, List<Assignment> sets) {

        static CommandLine parse(String[] args) {
            String configFile = null;
            List<Assignment> sets = new ArrayList<>();
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                String option = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
                if (!option.equals("--config") && !option.equals("--set")) {
                    throw new ConfigException("unknown command-line argument '" + arg + "'\n" + usage());
                }
                String operand;
                if (!option.equals(arg)) {
                    operand = arg.substring(option.length() + 1);
                } else if (i + 1 < args.length) {
                    operand = args[++i];
                } else {
                    throw new ConfigException("command-line option " + option + " needs a value\n" + usage());
                }
                if (option.equals("--config")) {
                    if (configFile != null) {
                        throw new ConfigException("command-line option --config given twice");
                    }
                    configFile = operand.strip();
                } else {
                    sets.add(setAssignment(operand));
                }
            }
            return new CommandLine(configFile, sets);
        }

        private static Assignment setAssignment(String operand) {
            int eq = operand.indexOf('=');
            String key = eq < 0 ? "" : operand.substring(0, eq).strip();
            if (key.isEmpty()) {
                throw new ConfigException("cannot parse command line --set " + operand + ": expected --set key=value");
            }
            return new Assignment(key, operand.substring(eq + 1).strip(), "command line --set " + operand);
        }
    }
}
