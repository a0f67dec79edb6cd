package io.leveret.server.ctl;

import java.io.PrintStream;

/** What a running command has at hand: its parsed command line, the API, standard output and error. */
record Context(Invocation invocation, Settings settings, ManagementClient api, Output out, PrintStream err) {
    String arg(int i) {
        return invocation.argument(i);
    }

    String vhost() {
        return invocation.vhost();
    }
}
