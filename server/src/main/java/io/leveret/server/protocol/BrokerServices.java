package io.leveret.server.protocol;

import io.leveret.server.security.UserDatabase;
import io.leveret.server.vhost.VirtualHost;
import java.util.Map;

/** What a connection needs from the broker: its settings, the users, and the virtual hosts by name. */
public record BrokerServices(ProtocolSettings settings, UserDatabase users, Map<String, VirtualHost> vhosts) {
}
