package io.leveret.server.embedded;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.leveret.server.security.PasswordHash;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The builder's users, vhosts and permissions as a RabbitMQ definitions file: the broker imports it through
 * the path load_definitions takes, so they are checked and stored exactly like imported ones.
 */
final class GeneratedDefinitions {
    private static final ObjectMapper JSON = new ObjectMapper();

    private GeneratedDefinitions() {
    }

    static void write(Path file, List<EmbeddedBrokerBuilder.UserSpec> users, List<String> vhosts,
                      List<EmbeddedBrokerBuilder.PermissionSpec> permissions) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode vs = root.putArray("vhosts");
        vhosts.forEach(v -> vs.addObject().put("name", v));
        ArrayNode us = root.putArray("users");
        for (EmbeddedBrokerBuilder.UserSpec u : users) {
            PasswordHash hash = PasswordHash.of(PasswordHash.Algorithm.SHA256, u.password());
            ObjectNode n = us.addObject();
            n.put("name", u.name());
            n.put("password_hash", hash.base64());
            n.put("hashing_algorithm", hash.algorithm().rabbitName());
            ArrayNode tags = n.putArray("tags");
            u.tags().forEach(tags::add);
        }
        ArrayNode ps = root.putArray("permissions");
        for (EmbeddedBrokerBuilder.PermissionSpec p : permissions) {
            ps.addObject().put("user", p.user()).put("vhost", p.vhost()).put("configure", p.configure())
                    .put("write", p.write()).put("read", p.read());
        }
        JSON.writeValue(file.toFile(), root);
    }
}
