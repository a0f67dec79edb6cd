package io.leveret.interop;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Hosts on one machine that a test can cut apart, for cluster fault tests. Each host is a network namespace of its
 * own with one interface, {@code eth0} at {@code 10.231.S.(2+i)/24}; all of them, and this JVM's side at
 * {@code 10.231.S.1}, are plugged into a bridge that lives in a namespace of its own, so the test reaches every
 * host and nothing else on the machine sees them. {@link #isolate(int)} drops, with iptables inside the host's
 * namespace, every packet between that host and the other hosts (not the test's), as a partitioned network does:
 * nothing is refused, it just never arrives. {@link #heal(int)} lets traffic through again.
 *
 * <p>Why not 127.0.0.2–4 in one namespace: a connection from one of them to another leaves from 127.0.0.1 unless
 * the program binds its source address (Ratis' client does not), so no rule can tell which node sent a packet.
 *
 * <p>Needs root, iproute2 ({@code ip}) and iptables; {@link #unavailable()} says what is missing. {@link #close()}
 * deletes the namespaces, which takes every interface and rule with them.
 */
final class PrivateNetwork implements AutoCloseable {
    private static final long COMMAND_TIMEOUT_SECONDS = 30;

    private final String prefix;
    private final int subnet;
    private final int hosts;
    private final List<String> namespaces = new ArrayList<>();

    private PrivateNetwork(String prefix, int subnet, int hosts) {
        this.prefix = prefix;
        this.subnet = subnet;
        this.hosts = hosts;
    }

    /** Why this machine cannot make a private network, or empty if it can. */
    static Optional<String> unavailable() {
        if (!"root".equals(System.getProperty("user.name"))) {
            return Optional.of("network namespaces need root, and this runs as " + System.getProperty("user.name"));
        }
        for (List<String> probe : List.of(List.of("ip", "-V"), List.of("iptables", "--version"))) {
            try {
                run(probe);
            } catch (IllegalStateException e) {
                return Optional.of("'" + probe.get(0) + "' is missing or fails (" + e.getMessage()
                        + "); install iproute2 and iptables");
            }
        }
        return Optional.empty();
    }

    /** Builds a network of {@code hosts} hosts (at most 9); on failure, removes whatever it had made. */
    static PrivateNetwork create(int hosts) {
        if (hosts < 1 || hosts > 9) {
            throw new IllegalArgumentException("1 to 9 hosts, not " + hosts);
        }
        // Interface names are at most 15 characters and exist briefly in the machine's own namespace: a random
        // tag keeps two runs apart, and a random /24 keeps their routes apart.
        String tag = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0x10000));
        PrivateNetwork net = new PrivateNetwork("lvf" + tag, ThreadLocalRandom.current().nextInt(1, 255), hosts);
        try {
            net.build();
            return net;
        } catch (RuntimeException e) {
            net.close();
            throw e;
        }
    }

    private void build() {
        String fabric = namespace("fab");
        run(List.of("ip", "netns", "add", fabric));
        namespaces.add(fabric);
        ip(fabric, "link", "add", "br0", "type", "bridge");
        ip(fabric, "link", "set", "br0", "up");
        for (int i = 0; i < hosts; i++) {
            String ns = namespace("n" + i);
            run(List.of("ip", "netns", "add", ns));
            namespaces.add(ns);
            String inside = prefix + "n" + i;
            String port = prefix + "p" + i;
            run(List.of("ip", "link", "add", inside, "type", "veth", "peer", "name", port));
            run(List.of("ip", "link", "set", inside, "netns", ns));
            run(List.of("ip", "link", "set", port, "netns", fabric));
            ip(ns, "link", "set", inside, "name", "eth0");
            ip(ns, "addr", "add", address(i) + "/24", "dev", "eth0");
            ip(ns, "link", "set", "eth0", "up");
            ip(ns, "link", "set", "lo", "up");
            ip(fabric, "link", "set", port, "master", "br0", "up");
        }
        String mine = prefix + "h";
        String minePort = prefix + "hp";
        run(List.of("ip", "link", "add", mine, "type", "veth", "peer", "name", minePort));
        run(List.of("ip", "link", "set", minePort, "netns", fabric));
        ip(fabric, "link", "set", minePort, "master", "br0", "up");
        run(List.of("ip", "addr", "add", "10.231." + subnet + ".1/24", "dev", mine));
        run(List.of("ip", "link", "set", mine, "up"));
    }

    /** Host {@code i}'s address (0-based). */
    String address(int host) {
        return "10.231." + subnet + "." + (2 + host);
    }

    /** What runs a command on host {@code i}: {@code ip netns exec <its namespace>}, which execs the command. */
    List<String> launchPrefix(int host) {
        return List.of("ip", "netns", "exec", namespace("n" + host));
    }

    /** From now on nothing passes between host {@code i} and any other host, either way; the test still reaches it. */
    void isolate(int host) {
        for (int other = 0; other < hosts; other++) {
            if (other != host) {
                iptables(host, "-A", "INPUT", "-s", address(other), "-j", "DROP");
                iptables(host, "-A", "OUTPUT", "-d", address(other), "-j", "DROP");
            }
        }
    }

    /** Undoes {@link #isolate(int)}. */
    void heal(int host) {
        iptables(host, "-F", "INPUT");
        iptables(host, "-F", "OUTPUT");
    }

    @Override
    public void close() {
        delete();
    }

    /** Deletes the namespaces, and with them every interface and rule; a second call does nothing. */
    synchronized void delete() {
        // The machine-side veth goes with its peer, which goes with the fabric namespace.
        for (int i = namespaces.size() - 1; i >= 0; i--) {
            String ns = namespaces.get(i);
            try {
                run(List.of("ip", "netns", "del", ns));
            } catch (IllegalStateException e) {
                System.out.println("PrivateNetwork: could not delete namespace " + ns + ": " + e.getMessage());
            }
        }
        namespaces.clear();
    }

    private String namespace(String name) {
        return prefix + "-" + name;
    }

    private void iptables(int host, String... args) {
        List<String> cmd = new ArrayList<>(launchPrefix(host));
        cmd.addAll(List.of("iptables", "-w"));
        cmd.addAll(List.of(args));
        run(cmd);
    }

    private static void ip(String namespace, String... args) {
        List<String> cmd = new ArrayList<>(List.of("ip", "-n", namespace));
        cmd.addAll(List.of(args));
        run(cmd);
    }

    /** Runs a command to its end; throws with its output if it fails. */
    private static void run(List<String> cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", cmd) + " did not finish");
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", cmd) + " failed (" + p.exitValue() + "): "
                        + new String(out, StandardCharsets.UTF_8).strip());
            }
        } catch (IOException e) {
            throw new IllegalStateException(String.join(" ", cmd) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
