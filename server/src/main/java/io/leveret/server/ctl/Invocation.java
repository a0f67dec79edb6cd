package io.leveret.server.ctl;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A parsed command line: the command name, its positional arguments and its options, in rabbitmqctl's grammar
 * where options may come before or after the command and its arguments ({@code set_operator_policy n p d
 * --apply-to queues}), as {@code --name value} or {@code --name=value}; {@code --} ends the options.
 */
record Invocation(String command, List<String> arguments, Map<String, String> options, List<String> raw) {
    /** Options that take a value, by every spelling, mapped to their long name. */
    private static final Map<String, String> VALUED = Map.ofEntries(
            Map.entry("-n", "node"), Map.entry("--node", "node"),
            Map.entry("-p", "vhost"), Map.entry("--vhost", "vhost"),
            Map.entry("-t", "timeout"), Map.entry("--timeout", "timeout"),
            Map.entry("--formatter", "formatter"),
            Map.entry("--url", "url"), Map.entry("--username", "username"), Map.entry("--password", "password"),
            Map.entry("--priority", "priority"), Map.entry("--apply-to", "apply-to"),
            Map.entry("--description", "description"), Map.entry("--tags", "tags"),
            Map.entry("--default-queue-type", "default-queue-type"),
            Map.entry("--limit", "limit"), Map.entry("--format", "format"));
    /** Options without a value, by every spelling, mapped to their long name. */
    private static final Map<String, String> FLAGS = Map.ofEntries(
            Map.entry("-q", "quiet"), Map.entry("--quiet", "quiet"),
            Map.entry("-s", "silent"), Map.entry("--silent", "silent"),
            Map.entry("-?", "help"), Map.entry("-h", "help"), Map.entry("--help", "help"),
            Map.entry("-l", "longnames"), Map.entry("--longnames", "longnames"),
            Map.entry("--no-table-headers", "no-table-headers"),
            Map.entry("--if-empty", "if-empty"), Map.entry("-e", "if-empty"),
            Map.entry("--if-unused", "if-unused"), Map.entry("-u", "if-unused"),
            Map.entry("--global", "global"),
            Map.entry("--online", "online"), Map.entry("--offline", "offline"), Map.entry("--local", "local"));
    /** Options every command accepts (rabbitmqctl's "general options" plus our connection settings). */
    static final Set<String> GENERAL = Set.of("node", "vhost", "timeout", "formatter", "url", "username",
            "password", "quiet", "silent", "help", "longnames", "no-table-headers");

    private static final java.util.regex.Pattern NEGATIVE_NUMBER = java.util.regex.Pattern.compile("-[0-9.][0-9.eE+-]*");

    static Invocation parse(String[] args) throws CtlException {
        List<String> positional = new ArrayList<>();
        Map<String, String> options = new LinkedHashMap<>();
        boolean optionsEnded = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            // a negative number is an argument, as in rabbitmqctl's parser (set_vm_memory_high_watermark -0.1)
            if (optionsEnded || !a.startsWith("-") || a.equals("-") || NEGATIVE_NUMBER.matcher(a).matches()) {
                positional.add(a);
                continue;
            }
            if (a.equals("--")) {
                optionsEnded = true;
                continue;
            }
            String spelled = a;
            String inline = null;
            int eq = a.indexOf('=');
            if (a.startsWith("--") && eq > 0) {
                spelled = a.substring(0, eq);
                inline = a.substring(eq + 1);
            }
            if (VALUED.containsKey(spelled)) {
                String value = inline;
                if (value == null) {
                    if (i + 1 >= args.length) {
                        throw CtlException.usage("option " + spelled + " requires a value");
                    }
                    value = args[++i];
                }
                options.put(VALUED.get(spelled), value);
            } else if (FLAGS.containsKey(spelled) && inline == null) {
                options.put(FLAGS.get(spelled), "true");
            } else {
                throw CtlException.usage("Invalid options for this command:\n" + a);
            }
        }
        String command = positional.isEmpty() ? "" : positional.remove(0);
        return new Invocation(command, List.copyOf(positional), Map.copyOf(options), List.of(args));
    }

    boolean has(String option) {
        return options.containsKey(option);
    }

    Optional<String> option(String name) {
        return Optional.ofNullable(options.get(name));
    }

    String vhost() {
        return options.getOrDefault("vhost", "/");
    }

    /** {@code -s} is {@code -q} plus no header row, as in rabbitmqctl. */
    boolean quiet() {
        return has("quiet") || has("silent");
    }

    boolean tableHeaders() {
        return !has("no-table-headers") && !has("silent");
    }

    boolean json() {
        return "json".equals(options.get("formatter"));
    }

    String argument(int i) {
        return arguments.get(i);
    }
}
