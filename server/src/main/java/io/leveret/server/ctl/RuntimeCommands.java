package io.leveret.server.ctl;

import static io.leveret.server.ctl.ManagementClient.path;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * set_vm_memory_high_watermark, set_disk_free_limit, stop_app, start_app, and the two {@code eval} forms that
 * raise and clear a resource alarm. RabbitMQ's HTTP API has nothing for these, so they use Leveret's own
 * {@code /api/leveret/...}; against a RabbitMQ they fail with a message that says so.
 */
final class RuntimeCommands {
    /** rabbitmqctl's memory units: k/kiB/M/MiB/G/GiB are powers of 1024, kB/MB/GB powers of 1000. */
    static final Map<String, Long> UNITS = Map.of(
            "", 1L, "k", 1L << 10, "kiB", 1L << 10, "M", 1L << 20, "MiB", 1L << 20, "G", 1L << 30, "GiB", 1L << 30,
            "kB", 1_000L, "MB", 1_000_000L, "GB", 1_000_000_000L);
    private static final Pattern AMOUNT = Pattern.compile("(-?[0-9]+(?:\\.[0-9]*)?)([A-Za-z]*)");
    private static final Pattern FRACTION = Pattern.compile("[-+]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][-+]?[0-9]+)?");
    private static final String S = "\\s*";
    private static final Pattern SET_ALARM = Pattern.compile(S + "rabbit_alarm" + S + ":" + S + "set_alarm" + S
            + "\\(" + S + "\\{" + S + "\\{" + S + "resource_limit" + S + "," + S + "(memory|disk)" + S + "," + S
            + "node" + S + "\\(" + S + "\\)" + S + "\\}" + S + "," + S + "\\[" + S + "\\]" + S + "\\}" + S + "\\)"
            + S + "\\.?" + S);
    private static final Pattern CLEAR_ALARM = Pattern.compile(S + "rabbit_alarm" + S + ":" + S + "clear_alarm" + S
            + "\\(" + S + "\\{" + S + "resource_limit" + S + "," + S + "(memory|disk)" + S + "," + S + "node" + S
            + "\\(" + S + "\\)" + S + "\\}" + S + "\\)" + S + "\\.?" + S);

    private RuntimeCommands() {
    }

    static List<Command> all() {
        return List.of(
                Command.of("set_vm_memory_high_watermark", "<fraction> | absolute <value>",
                        "Sets the vm_memory_high_watermark setting until the broker stops; a fraction of the memory"
                                + " budget between 0.0 and 1.0, or an amount such as 1073741824, 1024MiB or 1GB",
                        1, 2, RuntimeCommands::setMemoryWatermark),
                Command.of("set_disk_free_limit", "<disk_limit> | mem_relative <fraction>",
                        "Sets the disk_free_limit setting until the broker stops; an amount such as 50MB, or a"
                                + " multiple of the machine's memory", 1, 2, RuntimeCommands::setDiskFreeLimit),
                Command.of("stop_app", "", "Stops the AMQP side of the broker: closes its listeners and its"
                        + " connections (320 CONNECTION_FORCED); the management API stays up", 0, 0,
                        RuntimeCommands::stopApp),
                Command.of("start_app", "", "Starts the AMQP side of the broker after stop_app: listens again on the"
                        + " same listeners", 0, 0, RuntimeCommands::startApp),
                Command.of("eval", "<expression>", "Raises or clears a resource alarm; Leveret does not evaluate"
                        + " Erlang, and accepts only rabbit_alarm:set_alarm({{resource_limit, memory|disk, node()},"
                        + " []}) and rabbit_alarm:clear_alarm({resource_limit, memory|disk, node()})", 1, 1,
                        RuntimeCommands::eval));
    }

    private static void setMemoryWatermark(Context c) throws CtlException {
        ObjectNode body = ManagementClient.JSON.createObjectNode();
        String shown;
        if (c.invocation().arguments().size() == 2) {
            if (!c.arg(0).equals("absolute")) {
                throw CtlException.usage("too many arguments.");
            }
            shown = c.arg(1) + " bytes";
            body.put("absolute", memoryAmount(c.arg(1)));
        } else {
            if (c.arg(0).equals("absolute")) {
                throw CtlException.usage("not enough arguments.");
            }
            double fraction = fraction(c.arg(0));
            if (fraction < 0 || fraction > 1) {
                throw CtlException.badArgument("Bad argument: The threshold should be a fraction between 0.0 and 1.0");
            }
            shown = c.arg(0);
            body.put("relative", fraction);
        }
        c.out().banner("Setting memory threshold on " + c.settings().target() + " to " + shown + " ...");
        put(c, path("leveret", "vm-memory-high-watermark"), body);
    }

    private static void setDiskFreeLimit(Context c) throws CtlException {
        ObjectNode body = ManagementClient.JSON.createObjectNode();
        String shown;
        if (c.invocation().arguments().size() == 2) {
            if (!c.arg(0).equals("mem_relative")) {
                throw CtlException.usage("too many arguments.");
            }
            double multiple = badArgumentIfInvalid(() -> fraction(c.arg(1)));
            if (multiple < 0) {
                throw CtlException.badArgument("Bad argument.");
            }
            shown = c.arg(1) + " times the total RAM";
            body.put("mem_relative", multiple);
        } else {
            if (c.arg(0).equals("mem_relative")) {
                throw CtlException.usage("not enough arguments.");
            }
            long bytes = badArgumentIfInvalid(() -> memoryAmount(c.arg(0)));
            shown = c.arg(0) + " bytes";
            body.put("absolute", bytes);
        }
        c.out().banner("Setting disk free limit on " + c.settings().target() + " to " + shown + " ...");
        put(c, path("leveret", "disk-free-limit"), body);
    }

    private static void stopApp(Context c) throws CtlException {
        c.out().banner("Stopping rabbit application on node " + c.settings().target() + " ...");
        post(c, path("leveret", "app", "stop"));
    }

    private static void startApp(Context c) throws CtlException {
        c.out().banner("Starting node " + c.settings().target() + " ...");
        post(c, path("leveret", "app", "start"));
    }

    private static void eval(Context c) throws CtlException {
        Alarm alarm = Alarm.parse(c.arg(0));
        String p = path("leveret", "alarms", alarm.resource());
        ManagementClient.Response r = alarm.raise() ? c.api().put(p, ManagementClient.JSON.createObjectNode())
                : c.api().delete(p);
        check(c, r);
        // what the Erlang call returns, as rabbitmqctl eval prints it
        c.out().line("ok");
    }

    /** One of the two eval expressions leveretctl understands. */
    record Alarm(boolean raise, String resource) {
        static Alarm parse(String expression) throws CtlException {
            Matcher set = SET_ALARM.matcher(expression);
            if (set.matches()) {
                return new Alarm(true, set.group(1));
            }
            Matcher clear = CLEAR_ALARM.matcher(expression);
            if (clear.matches()) {
                return new Alarm(false, clear.group(1));
            }
            throw CtlException.usage("Leveret does not evaluate Erlang: eval accepts only"
                    + " 'rabbit_alarm:set_alarm({{resource_limit, memory|disk, node()}, []}).' and"
                    + " 'rabbit_alarm:clear_alarm({resource_limit, memory|disk, node()}).'");
        }
    }

    private interface Parse<T> {
        T get() throws CtlException;
    }

    /** rabbitmqctl set_disk_free_limit answers any value it cannot read with "Bad argument.". */
    private static <T> T badArgumentIfInvalid(Parse<T> parse) throws CtlException {
        try {
            return parse.get();
        } catch (CtlException e) {
            throw CtlException.badArgument("Bad argument.");
        }
    }

    /** A fraction as rabbitmqctl reads one: a plain decimal number (no NaN, no Infinity). */
    static double fraction(String text) throws CtlException {
        if (!FRACTION.matcher(text).matches()) {
            throw CtlException.badArgument("Bad argument.");
        }
        return Double.parseDouble(text);
    }

    /** {@code 1073741824}, {@code 1024MiB}, {@code 1GB} in bytes; rabbitmqctl's refusals otherwise. */
    static long memoryAmount(String text) throws CtlException {
        Matcher m = AMOUNT.matcher(text);
        if (!m.matches()) {
            throw CtlException.badArgument("Bad argument.");
        }
        Long unit = UNITS.get(m.group(2));
        if (unit == null) {
            throw CtlException.badArgument("Bad argument: Invalid units.");
        }
        if (m.group(1).contains(".")) {
            throw CtlException.badArgument("Bad argument: The threshold should be an integer.");
        }
        long n;
        try {
            n = Long.parseLong(m.group(1));
        } catch (NumberFormatException e) {
            throw CtlException.badArgument("Bad argument: The threshold is too large.");
        }
        if (n < 0) {
            throw CtlException.badArgument("Bad argument: The threshold should not be negative.");
        }
        if (n > Long.MAX_VALUE / unit) {
            throw CtlException.badArgument("Bad argument: The threshold is too large.");
        }
        return n * unit;
    }

    private static void put(Context c, String p, ObjectNode body) throws CtlException {
        check(c, c.api().put(p, body));
    }

    private static void post(Context c, String p) throws CtlException {
        check(c, c.api().post(p, ""));
    }

    /** A 404 means the API has no /api/leveret: a RabbitMQ, where rabbitmqctl does this. */
    private static void check(Context c, ManagementClient.Response r) throws CtlException {
        if (r.status() == 404) {
            throw CtlException.error(CtlException.UNAVAILABLE, "the management API at " + c.settings().target()
                    + " has no /api/leveret: this command needs a Leveret broker (on RabbitMQ, use rabbitmqctl)");
        }
        if (!r.ok()) {
            throw c.api().unexpected(r);
        }
    }
}
