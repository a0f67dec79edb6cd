package io.leveret.server.definitions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.leveret.server.protocol.Version;
import io.leveret.server.security.PasswordHash;
import io.leveret.server.vhost.Policy;
import io.leveret.store.definitions.BindingDefinition;
import io.leveret.store.definitions.Change;
import io.leveret.store.definitions.DefinitionStore;
import io.leveret.store.definitions.Definitions;
import io.leveret.store.definitions.ExchangeDefinition;
import io.leveret.store.definitions.ParameterDefinition;
import io.leveret.store.definitions.PermissionDefinition;
import io.leveret.store.definitions.PolicyDefinition;
import io.leveret.store.definitions.QueueDefinition;
import io.leveret.store.definitions.TopicPermissionDefinition;
import io.leveret.store.definitions.UserDefinition;
import io.leveret.store.definitions.VhostDefinition;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * RabbitMQ's definitions JSON ({@code rabbitmqctl export_definitions}, the management API's
 * /api/definitions), read into the definition store and written from it. Import goes through the store's
 * one {@code apply} path, so it is durable and, since a put of an equal definition changes nothing,
 * idempotent. Transient queues and exchanges are not stored, so an import skips them (with a warning).
 */
public final class DefinitionsFile {
    private static final Logger LOG = LoggerFactory.getLogger(DefinitionsFile.class);

    private DefinitionsFile() {
    }

    /** What an import did. */
    public record Result(int applied, List<String> skipped) {
    }

    /**
     * Reads {@code file} and applies it to {@code store}: vhosts, users, permissions, topic permissions,
     * parameters, policies, exchanges, queues, then bindings (parents first). A definition the store refuses
     * (a binding to an exchange the file lacks) is skipped and named in the result.
     *
     * @throws IOException if the file cannot be read or is not a definitions JSON object
     */
    public static Result load(Path file, DefinitionStore store) throws IOException {
        return load(file, store::apply, store.snapshot());
    }

    /**
     * As {@link #load(Path, DefinitionStore)}, handing each change to {@code apply} (in a cluster, the metadata
     * group), with {@code current} the definitions as they are now.
     */
    public static Result load(Path file, java.util.function.Function<Change, java.util.concurrent.CompletableFuture<Void>> apply,
                              io.leveret.store.definitions.Definitions current) throws IOException {
        JsonNode root;
        try {
            root = StoredForm.JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new IOException("cannot read definitions file " + file + ": " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new IOException("definitions file " + file + " does not hold a JSON object");
        }
        List<Change> changes;
        List<String> skipped = new ArrayList<>();
        try {
            changes = changes(root, skipped);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IOException("bad definitions file " + file + ": " + e.getMessage(), e);
        }
        changes = UserLimitsJson.mergedWithStored(changes, current);
        int applied = 0;
        for (Change c : changes) {
            try {
                apply.apply(c).join();
                applied++;
            } catch (CompletionException e) {
                if (!(e.getCause() instanceof IllegalArgumentException)
                        && !(e.getCause() instanceof io.leveret.server.cluster.ChangeRefusedException)) {
                    throw e;
                }
                skipped.add(e.getCause().getMessage());
            }
        }
        skipped.forEach(why -> LOG.warn("definitions file {}: skipped: {}", file, why));
        LOG.info("imported definitions from {}: {} definitions, {} skipped", file, applied, skipped.size());
        return new Result(applied, skipped);
    }

    /** The file's definitions as store changes, parents first; what cannot be kept is named in {@code skipped}. */
    static List<Change> changes(JsonNode root, List<String> skipped) {
        List<Change> out = new ArrayList<>();
        for (JsonNode v : root.path("vhosts")) {
            out.add(new Change.PutVhost(new VhostDefinition(text(v, "name"))));
            // RabbitMQ 3.10 also lists a vhost's limits here; "parameters" holds the same as vhost-limits.
        }
        for (JsonNode u : root.path("users")) {
            String hash = u.path("password_hash").asText("");
            String algorithm = u.path("hashing_algorithm").asText("rabbit_password_hashing_sha256");
            PasswordHash password = hash.isEmpty() ? null
                    : PasswordHash.parse(PasswordHash.Algorithm.byRabbitName(algorithm), hash);
            out.add(new Change.PutUser(new UserDefinition(text(u, "name"), StoredForm.password(password), tags(u),
                    UserLimitsJson.read(u))));
        }
        for (JsonNode p : root.path("permissions")) {
            out.add(new Change.PutPermission(new PermissionDefinition(text(p, "user"), text(p, "vhost"),
                    text(p, "configure"), text(p, "write"), text(p, "read"))));
        }
        for (JsonNode p : root.path("topic_permissions")) {
            out.add(new Change.PutTopicPermission(new TopicPermissionDefinition(text(p, "user"), text(p, "vhost"),
                    text(p, "exchange"), text(p, "write"), text(p, "read"))));
        }
        for (JsonNode p : root.path("parameters")) {
            ParameterDefinition parameter = new ParameterDefinition(text(p, "vhost"), text(p, "component"),
                    text(p, "name"), StoredForm.json(p.path("value")));
            if (parameter.component().equals(Policy.OPERATOR_COMPONENT)) {
                // RabbitMQ exports operator policies as these parameters, and checks them on import.
                checked("operator policy", parameter.name(), parameter.vhost(), () -> PolicyForm.operatorPolicy(parameter));
            }
            out.add(new Change.PutParameter(parameter));
        }
        for (JsonNode p : root.path("policies")) {
            String name = text(p, "name");
            String vhost = text(p, "vhost");
            int priority = checked("policy", name, vhost, () -> PolicyForm.priority(p.get("priority")));
            PolicyDefinition policy = new PolicyDefinition(vhost, name, text(p, "pattern"),
                    p.path("apply-to").asText("all"), priority, StoredForm.json(p.path("definition")));
            checked("policy", name, vhost, () -> PolicyForm.policy(policy));
            out.add(new Change.PutPolicy(policy));
        }
        for (JsonNode x : root.path("exchanges")) {
            if (ExchangeDefinition.BUILT_IN.contains(text(x, "name"))) {
                continue; // every vhost has them already, as in RabbitMQ
            }
            if (!x.path("durable").asBoolean(true)) {
                skipped.add("transient exchange '" + text(x, "name") + "' in vhost '" + text(x, "vhost") + "'");
                continue;
            }
            out.add(new Change.PutExchange(new ExchangeDefinition(text(x, "vhost"), text(x, "name"), text(x, "type"),
                    true, x.path("auto_delete").asBoolean(false), x.path("internal").asBoolean(false),
                    StoredForm.arguments(x.path("arguments")))));
        }
        for (JsonNode q : root.path("queues")) {
            if (!q.path("durable").asBoolean(true)) {
                skipped.add("transient queue '" + text(q, "name") + "' in vhost '" + text(q, "vhost") + "'");
                continue;
            }
            // RabbitMQ writes a queue's type only as its x-queue-type argument.
            String type = QueueDefinition.QUORUM.equals(q.path("arguments").path("x-queue-type").asText())
                    ? QueueDefinition.QUORUM : QueueDefinition.CLASSIC;
            if (type.equals(QueueDefinition.QUORUM) && q.path("auto_delete").asBoolean(false)) {
                skipped.add("auto-delete quorum queue '" + text(q, "name") + "' in vhost '" + text(q, "vhost") + "'");
                continue;
            }
            out.add(new Change.PutQueue(new QueueDefinition(text(q, "vhost"), text(q, "name"), true, false,
                    q.path("auto_delete").asBoolean(false), StoredForm.arguments(q.path("arguments")), type, "")));
        }
        for (JsonNode b : root.path("bindings")) {
            BindingDefinition.DestinationKind kind = "exchange".equals(b.path("destination_type").asText("queue"))
                    ? BindingDefinition.DestinationKind.EXCHANGE : BindingDefinition.DestinationKind.QUEUE;
            out.add(new Change.PutBinding(new BindingDefinition(text(b, "vhost"), text(b, "source"),
                    text(b, "destination"), kind, b.path("routing_key").asText(""),
                    StoredForm.arguments(b.path("arguments")))));
        }
        return out;
    }

    /**
     * Runs a check of a policy the way RabbitMQ's import does (rabbit_policy's validation): a bad one fails the
     * whole import, naming the policy and RabbitMQ's reason.
     */
    private static <T> T checked(String kind, String name, String vhost, java.util.function.Supplier<T> check) {
        try {
            return check.get();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(kind + " '" + name + "' in vhost '" + vhost + "': " + e.getMessage(), e);
        }
    }

    private static List<String> tags(JsonNode user) {
        JsonNode tags = user.path("tags");
        List<String> out = new ArrayList<>();
        if (tags.isArray()) {
            tags.forEach(t -> out.add(t.asText()));
        } else if (!tags.asText("").isBlank()) {
            // RabbitMQ before 3.9 wrote tags as one comma-separated string.
            for (String t : tags.asText().split(",")) {
                if (!t.isBlank()) {
                    out.add(t.strip());
                }
            }
        }
        return out;
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull() || v.isContainerNode()) {
            throw new IllegalArgumentException("an entry lacks \"" + field + "\": " + node);
        }
        return v.asText();
    }

    /** Writes {@code defs} as RabbitMQ writes them; {@link #load} reads it back to the same definitions. */
    public static void write(Definitions defs, Path out) throws IOException {
        ObjectNode root = toJson(defs);
        Path tmp = out.resolveSibling(out.getFileName() + ".tmp");
        StoredForm.JSON.writer().with(SerializationFeature.INDENT_OUTPUT).writeValue(tmp.toFile(), root);
        Files.move(tmp, out, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    /** {@code defs} as RabbitMQ's export writes them (the management API's GET /api/definitions too). */
    public static ObjectNode toJson(Definitions defs) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode root = f.objectNode();
        root.put("rabbit_version", Version.RABBITMQ);
        root.put("rabbitmq_version", Version.RABBITMQ);
        root.put("product_name", "Leveret");
        root.put("product_version", Version.LEVERET);
        ArrayNode users = root.putArray("users");
        for (UserDefinition u : defs.users()) {
            ObjectNode n = users.addObject();
            n.put("name", u.name());
            PasswordHash hash = StoredForm.password(u.passwordHash());
            n.put("password_hash", hash == null ? "" : hash.base64());
            n.put("hashing_algorithm", (hash == null ? PasswordHash.Algorithm.SHA256 : hash.algorithm()).rabbitName());
            ArrayNode tags = n.putArray("tags");
            u.tags().forEach(tags::add);
            ObjectNode limits = n.putObject("limits");
            u.limits().forEach(limits::put);
        }
        ArrayNode vhosts = root.putArray("vhosts");
        for (VhostDefinition v : defs.vhosts()) {
            // As RabbitMQ 3.10 lists a vhost: its limits as [name, value] pairs (the vhost-limits parameter's
            // value), and its metadata; Leveret keeps no description or tags for a vhost, so both are empty.
            ObjectNode n = vhosts.addObject();
            ArrayNode limits = n.putArray("limits");
            for (ParameterDefinition p : defs.parameters()) {
                if (p.vhost().equals(v.name()) && p.component().equals("vhost-limits")) {
                    StoredForm.json(p.value()).fields().forEachRemaining(e -> limits.addArray().add(e.getKey())
                            .add(e.getValue()));
                }
            }
            ObjectNode metadata = n.putObject("metadata");
            metadata.put("description", "");
            metadata.putArray("tags");
            n.put("name", v.name());
        }
        ArrayNode permissions = root.putArray("permissions");
        for (PermissionDefinition p : defs.permissions()) {
            permissions.addObject().put("user", p.user()).put("vhost", p.vhost()).put("configure", p.configure())
                    .put("write", p.write()).put("read", p.read());
        }
        ArrayNode topic = root.putArray("topic_permissions");
        for (TopicPermissionDefinition p : defs.topicPermissions()) {
            topic.addObject().put("user", p.user()).put("vhost", p.vhost()).put("exchange", p.exchange())
                    .put("write", p.write()).put("read", p.read());
        }
        ArrayNode parameters = root.putArray("parameters");
        for (ParameterDefinition p : defs.parameters()) {
            ObjectNode n = parameters.addObject().put("vhost", p.vhost()).put("component", p.component())
                    .put("name", p.name());
            n.set("value", StoredForm.json(p.value()));
        }
        root.putArray("global_parameters");
        ArrayNode policies = root.putArray("policies");
        for (PolicyDefinition p : defs.policies()) {
            ObjectNode n = policies.addObject().put("vhost", p.vhost()).put("name", p.name())
                    .put("pattern", p.pattern()).put("apply-to", p.applyTo());
            n.set("definition", StoredForm.json(p.definition()));
            n.put("priority", p.priority());
        }
        ArrayNode queues = root.putArray("queues");
        for (QueueDefinition q : defs.queues()) {
            // Every queue Leveret keeps is a classic one; RabbitMQ 3.10 names the type in its exports.
            ObjectNode n = queues.addObject().put("name", q.name()).put("vhost", q.vhost()).put("durable", q.durable())
                    .put("auto_delete", q.autoDelete()).put("type", "classic");
            n.set("arguments", StoredForm.arguments(q.arguments()));
        }
        ArrayNode exchanges = root.putArray("exchanges");
        for (ExchangeDefinition x : defs.exchanges()) {
            ObjectNode n = exchanges.addObject().put("name", x.name()).put("vhost", x.vhost()).put("type", x.type())
                    .put("durable", x.durable()).put("auto_delete", x.autoDelete());
            if (x.internal()) {
                // RabbitMQ 3.10 writes no "internal" field (it leaves internal exchanges out); its import reads one.
                n.put("internal", true);
            }
            n.set("arguments", StoredForm.arguments(x.arguments()));
        }
        ArrayNode bindings = root.putArray("bindings");
        for (BindingDefinition b : defs.bindings()) {
            ObjectNode n = bindings.addObject().put("source", b.source()).put("vhost", b.vhost())
                    .put("destination", b.destination())
                    .put("destination_type", b.destinationKind() == BindingDefinition.DestinationKind.QUEUE
                            ? "queue" : "exchange")
                    .put("routing_key", b.routingKey());
            n.set("arguments", StoredForm.arguments(b.arguments()));
        }
        return root;
    }
}
