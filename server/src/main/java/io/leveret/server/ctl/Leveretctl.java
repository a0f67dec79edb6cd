package io.leveret.server.ctl;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * {@code leveretctl}: rabbitmqctl's commands, flags, output and exit codes, carried out through the management
 * HTTP API. Nothing of the broker is loaded; the command line is parsed, one or a few HTTP requests are made, and
 * the answer is printed. Connection settings: see {@link Settings}.
 */
public final class Leveretctl {
    private static final Map<String, Command> COMMANDS = new LinkedHashMap<>();

    static {
        List<Command> all = new ArrayList<>();
        all.addAll(UserCommands.all());
        all.addAll(VhostCommands.all());
        all.addAll(AccessCommands.all());
        all.addAll(PolicyCommands.all());
        all.addAll(ListCommands.all());
        all.addAll(OperationCommands.all());
        all.addAll(NodeCommands.all());
        all.addAll(RuntimeCommands.all());
        all.forEach(c -> COMMANDS.put(c.name(), c));
    }

    private Leveretctl() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.getenv(), System.out, System.err));
    }

    /** Runs one command line and returns the exit code. */
    public static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        Invocation inv;
        try {
            inv = Invocation.parse(args);
        } catch (CtlException e) {
            err.println("Error (argument validation): " + e.getMessage());
            err.print(generalUsage());
            return e.exitCode();
        }
        String name = inv.command();
        if (name.equals("help")) {
            if (inv.arguments().isEmpty()) {
                out.print(generalUsage());
                return 0;
            }
            Command c = COMMANDS.get(inv.argument(0));
            if (c == null) {
                err.print(unknownCommand(inv.argument(0)));
                return CtlException.USAGE;
            }
            out.print(commandHelp(c));
            return 0;
        }
        if (name.isEmpty()) {
            (inv.has("help") ? out : err).print(generalUsage());
            return inv.has("help") ? 0 : CtlException.USAGE;
        }
        Command command = COMMANDS.get(name);
        if (command == null) {
            err.print(unknownCommand(name));
            return CtlException.USAGE;
        }
        if (inv.has("help")) {
            out.print(commandHelp(command));
            return 0;
        }
        try {
            validate(command, inv);
            Settings settings = Settings.resolve(inv, env);
            Output output = new Output(out, inv);
            command.action().run(new Context(inv, settings, new ManagementClient(settings), output, err));
            out.flush();
            return 0;
        } catch (CtlException e) {
            out.flush();
            if (e.showUsage()) {
                err.println("Error (argument validation): " + e.getMessage());
                err.println("Arguments given:");
                err.println("\t" + String.join(" ", inv.raw()));
                err.println();
                err.println("Usage");
                err.println();
                err.println(command.usage());
            } else {
                if (e.errorPrefix()) {
                    err.println("Error:");
                }
                err.println(e.getMessage());
            }
            return e.exitCode();
        }
    }

    private static void validate(Command c, Invocation inv) throws CtlException {
        for (String o : inv.options().keySet()) {
            if (!Invocation.GENERAL.contains(o) && !c.options().contains(o)) {
                throw CtlException.usage("Invalid options for this command:\n--" + o);
            }
        }
        if (!inv.options().getOrDefault("formatter", "table").matches("table|json")) {
            throw CtlException.usage("Formatter " + inv.options().get("formatter")
                    + " is not supported: use table or json");
        }
        int n = inv.arguments().size();
        if (n < c.minArgs()) {
            throw CtlException.usage("not enough arguments.");
        }
        if (c.maxArgs() >= 0 && n > c.maxArgs()) {
            throw CtlException.usage("too many arguments.");
        }
    }

    static String generalUsage() {
        StringBuilder b = new StringBuilder();
        b.append("\nUsage\n\n");
        b.append("leveretctl [--node <node>] [--url <url>] [--username <user>] [--password <password>]"
                + " [--timeout <timeout>] [--quiet] <command> [<command options>]\n\n");
        b.append("Available commands:\n\n");
        for (Command c : COMMANDS.values()) {
            String first = c.description().split(";")[0];
            b.append(String.format("   %-29s %s%n", c.name(), first));
        }
        b.append("\nUse 'leveretctl help <command>' to learn more about a specific command\n");
        b.append(generalOptions());
        return b.toString();
    }

    static String commandHelp(Command c) {
        String d = c.description();
        return "\nUsage\n\n" + c.usage() + "\n\n" + (d.endsWith(".") ? d : d + ".") + "\n" + generalOptions();
    }

    private static String unknownCommand(String name) {
        return "\nCommand '" + name + "' not found. \n" + generalUsage();
    }

    private static String generalOptions() {
        return """

                General Options

                -?  --help               displays command help
                -n  --node <node>        the broker: name@host means its management API at http://host:15672
                    --url <url>          the management API (env LEVERETCTL_URL; default http://localhost:15672)
                    --username <user>    (env LEVERETCTL_USERNAME; default guest)
                    --password <pass>    (env LEVERETCTL_PASSWORD; default guest)
                -t  --timeout <n>        seconds to wait for each answer (await_startup: in all)
                -q  --quiet              suppress informational messages
                -s  --silent             suppress informational messages and table header row
                -p  --vhost <vhost>      for commands that are scoped to a virtual host
                    --no-table-headers   leave out the header row
                    --formatter <f>      table (default) or json
                """;
    }

    /** The command names, for tests and completion. */
    static TreeSet<String> commandNames() {
        return new TreeSet<>(COMMANDS.keySet());
    }
}
