package io.leveret.server.ctl;

import static io.leveret.server.ctl.ManagementClient.path;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/** Permissions and topic permissions: set, clear and list, per vhost and per user. */
final class AccessCommands {
    private static final Listing PERMISSIONS = new Listing("user", "configure", "write", "read")
            .field("user", "configure", "write", "read");
    private static final Listing USER_PERMISSIONS = new Listing("vhost", "configure", "write", "read")
            .field("vhost", "configure", "write", "read");
    private static final Listing TOPIC_PERMISSIONS = new Listing("user", "exchange", "write", "read")
            .field("user", "exchange", "write", "read");

    private AccessCommands() {
    }

    static List<Command> all() {
        return List.of(
                Command.of("set_permissions", "[--vhost <vhost>] <username> <conf> <write> <read>",
                        "Sets user permissions for a vhost", 4, 4, AccessCommands::setPermissions),
                Command.of("clear_permissions", "[--vhost <vhost>] <username>",
                        "Revokes user permissions for a vhost", 1, 1, AccessCommands::clearPermissions),
                Command.of("list_permissions", "[--vhost <vhost>]", "Lists user permissions in a virtual host", 0, 0,
                        AccessCommands::listPermissions),
                Command.of("list_user_permissions", "<username>",
                        "Lists permissions of a user across all virtual hosts", 1, 1, AccessCommands::listUserPermissions),
                Command.of("set_topic_permissions", "[--vhost <vhost>] <username> <exchange> <write> <read>",
                        "Sets user topic permissions for an exchange", 4, 4, AccessCommands::setTopicPermissions),
                Command.of("clear_topic_permissions", "[--vhost <vhost>] <username> [<exchange>]",
                        "Clears user topic permissions for a vhost or exchange", 1, 2,
                        AccessCommands::clearTopicPermissions),
                Command.of("list_topic_permissions", "[--vhost <vhost>]", "Lists topic permissions in a virtual host",
                        0, 0, AccessCommands::listTopicPermissions));
    }

    private static void setPermissions(Context c) throws CtlException {
        String user = c.arg(0);
        c.out().banner("Setting permissions for user \"" + user + "\" in vhost \"" + c.vhost() + "\" ...");
        ObjectNode body = ManagementClient.JSON.createObjectNode()
                .put("configure", c.arg(1)).put("write", c.arg(2)).put("read", c.arg(3));
        ManagementClient.Response r = c.api().put(path("permissions", c.vhost(), user), body);
        if (!r.ok()) {
            throw Checks.userOrVhost(c, r, user, c.vhost());
        }
    }

    private static void clearPermissions(Context c) throws CtlException {
        String user = c.arg(0);
        c.out().banner("Clearing permissions for user \"" + user + "\" in vhost \"" + c.vhost() + "\" ...");
        ManagementClient.Response r = c.api().delete(path("permissions", c.vhost(), user));
        if (r.status() == 404) {
            // no permissions to clear is success in rabbitmqctl; a missing user or vhost is not
            if (!Checks.userExists(c, user) || !Checks.vhostExists(c, c.vhost())) {
                throw Checks.userOrVhost(c, r, user, c.vhost());
            }
            return;
        }
        if (!r.ok()) {
            throw c.api().unexpected(r);
        }
    }

    private static void listPermissions(Context c) throws CtlException {
        c.out().banner("Listing permissions for vhost \"" + c.vhost() + "\" ...");
        JsonNode list = vhostList(c, path("vhosts", c.vhost(), "permissions"));
        c.out().table(PERMISSIONS.select(List.of()), PERMISSIONS.rows(list, PERMISSIONS.select(List.of())),
                Output.WhenEmpty.BLANK_LINE);
    }

    private static void listUserPermissions(Context c) throws CtlException {
        String user = c.arg(0);
        c.out().banner("Listing permissions for user \"" + user + "\" ...");
        ManagementClient.Response r = c.api().get(path("users", user, "permissions"));
        if (r.status() == 404) {
            throw CtlException.error(CtlException.UNAVAILABLE, "{:no_such_user, \"" + user + "\"}");
        }
        if (!r.ok()) {
            throw c.api().unexpected(r);
        }
        List<String> columns = USER_PERMISSIONS.select(List.of());
        c.out().table(columns, USER_PERMISSIONS.rows(r.json(), columns), Output.WhenEmpty.BLANK_LINE);
    }

    private static void setTopicPermissions(Context c) throws CtlException {
        String user = c.arg(0);
        c.out().banner("Setting topic permissions on \"" + c.arg(1) + "\" for user \"" + user + "\" in vhost \""
                + c.vhost() + "\" ...");
        ObjectNode body = ManagementClient.JSON.createObjectNode()
                .put("exchange", c.arg(1)).put("write", c.arg(2)).put("read", c.arg(3));
        ManagementClient.Response r = c.api().put(path("topic-permissions", c.vhost(), user), body);
        if (!r.ok()) {
            throw Checks.userOrVhost(c, r, user, c.vhost());
        }
    }

    /**
     * Without an exchange, one DELETE clears them all. The API has no per-exchange delete, so for one exchange we
     * read the user's topic permissions in the vhost, clear them and put back the others. Not atomic: a concurrent
     * change to the same user's topic permissions in between can be lost.
     */
    private static void clearTopicPermissions(Context c) throws CtlException {
        String user = c.arg(0);
        boolean one = c.invocation().arguments().size() > 1;
        c.out().banner("Clearing topic permissions " + (one ? "on \"" + c.arg(1) + "\" " : "") + "for user \"" + user
                + "\" in vhost \"" + c.vhost() + "\" ...");
        if (!Checks.userExists(c, user)) {
            throw CtlException.error(CtlException.NO_USER, "User " + user + " does not exist");
        }
        String p = path("topic-permissions", c.vhost(), user);
        JsonNode existing = null;
        if (one) {
            ManagementClient.Response r = c.api().get(p);
            if (r.status() == 404) {
                return;
            }
            if (!r.ok()) {
                throw c.api().unexpected(r);
            }
            existing = r.json();
        }
        ManagementClient.Response r = c.api().delete(p);
        if (!r.ok() && r.status() != 404) {
            throw c.api().unexpected(r);
        }
        if (existing != null) {
            for (JsonNode t : existing) {
                if (!t.path("exchange").asText().equals(c.arg(1))) {
                    ObjectNode body = ManagementClient.JSON.createObjectNode().put("exchange", t.path("exchange").asText())
                            .put("write", t.path("write").asText()).put("read", t.path("read").asText());
                    ManagementClient.Response put = c.api().put(p, body);
                    if (!put.ok()) {
                        throw c.api().unexpected(put);
                    }
                }
            }
        }
    }

    private static void listTopicPermissions(Context c) throws CtlException {
        c.out().banner("Listing topic permissions for vhost \"" + c.vhost() + "\" ...");
        JsonNode list = vhostList(c, path("vhosts", c.vhost(), "topic-permissions"));
        List<String> columns = TOPIC_PERMISSIONS.select(List.of());
        c.out().table(columns, TOPIC_PERMISSIONS.rows(list, columns), Output.WhenEmpty.BLANK_LINE);
    }

    /** A per-vhost list; 404 means the vhost does not exist. */
    static JsonNode vhostList(Context c, String path) throws CtlException {
        ManagementClient.Response r = c.api().get(path);
        if (r.status() == 404) {
            throw Checks.noSuchVhost(c.vhost());
        }
        if (!r.ok()) {
            throw c.api().unexpected(r);
        }
        return r.json();
    }
}
