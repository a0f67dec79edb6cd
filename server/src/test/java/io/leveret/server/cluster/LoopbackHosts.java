package io.leveret.server.cluster;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;

/** Three nodes of a test cluster on one machine: Linux routes all of 127/8 on the loopback interface. */
final class LoopbackHosts {
    static final List<String> HOSTS = List.of("127.0.0.2", "127.0.0.3", "127.0.0.4");

    private LoopbackHosts() {
    }

    /** A port free on every one of {@link #HOSTS}: the cluster's Raft port, the same on every node. */
    static int sharedPort() throws IOException {
        for (int attempt = 0; attempt < 20; attempt++) {
            int port;
            try (ServerSocket first = new ServerSocket(0, 1, InetAddress.getByName(HOSTS.get(0)))) {
                port = first.getLocalPort();
            }
            boolean free = true;
            for (String host : HOSTS) {
                try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getByName(host))) {
                    s.getLocalPort();
                } catch (IOException e) {
                    free = false;
                }
            }
            if (free) {
                return port;
            }
        }
        throw new IOException("no port free on all of " + HOSTS);
    }
}
