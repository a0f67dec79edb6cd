package io.leveret.server.ctl;

import java.util.Set;

/**
 * One rabbitmqctl command: its name, argument synopsis, one-line description, how many positional arguments
 * it takes ({@code maxArgs} -1 = any number, as for column lists), the options it accepts beyond the general ones,
 * and what it does.
 */
record Command(String name, String synopsis, String description, int minArgs, int maxArgs, Set<String> options,
               Action action) {
    @FunctionalInterface
    interface Action {
        void run(Context context) throws CtlException;
    }

    static Command of(String name, String synopsis, String description, int minArgs, int maxArgs, Action action) {
        return new Command(name, synopsis, description, minArgs, maxArgs, Set.of(), action);
    }

    Command withOptions(String... names) {
        return new Command(name, synopsis, description, minArgs, maxArgs, Set.of(names), action);
    }

    String usage() {
        return "leveretctl [--node <node>] [--url <url>] [--quiet] " + name + (synopsis.isEmpty() ? "" : " " + synopsis);
    }
}
