package io.leveret.server.ctl;

import static io.leveret.server.ctl.ManagementClient.path;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** add_user, delete_user, change_password, set_user_tags, list_users. */
final class UserCommands {
    private UserCommands() {
    }

    static List<Command> all() {
        return List.of(
                Command.of("add_user", "<username> <password>",
                        "Creates a new user in the internal database. This user will have no permissions for any virtual hosts by default.",
                        1, 2, UserCommands::addUser),
                Command.of("delete_user", "<username>", "Removes a user from the internal database.", 1, 1,
                        UserCommands::deleteUser),
                Command.of("change_password", "<username> <password>", "Changes the user password", 2, 2,
                        UserCommands::changePassword),
                Command.of("set_user_tags", "<username> <tag> [...]", "Sets user tags (none given: clears them)", 1, -1,
                        UserCommands::setUserTags),
                Command.of("list_users", "", "List user names and tags", 0, 0, UserCommands::listUsers));
    }

    private static void addUser(Context c) throws CtlException {
        String user = c.arg(0);
        c.out().banner("Adding user \"" + user + "\" ...");
        String password = c.invocation().arguments().size() > 1 ? c.arg(1) : passwordFromStdin();
        // PUT on /api/users/{name} would overwrite an existing user; rabbitmqctl refuses instead
        if (Checks.userExists(c, user)) {
            throw CtlException.error(CtlException.SOFTWARE, "User \"" + user + "\" already exists");
        }
        ObjectNode body = ManagementClient.JSON.createObjectNode().put("password", password).put("tags", "");
        ManagementClient.Response r = c.api().put(path("users", user), body);
        if (!r.ok()) {
            throw c.api().unexpected(r);
        }
        c.out().banner("Done. Don't forget to grant the user permissions to some virtual hosts! "
                + "See 'leveretctl help set_permissions' to learn more.");
    }

    /** rabbitmqctl reads the password from standard input when it is not given, so it stays out of ps. */
    private static String passwordFromStdin() throws CtlException {
        try {
            String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            if (line != null) {
                return line;
            }
        } catch (IOException e) {
            // fall through to the same error as an empty stdin
        }
        throw CtlException.error(CtlException.DATA_ERROR, "Password is not provided via argument or stdin");
    }

    private static void deleteUser(Context c) throws CtlException {
        String user = c.arg(0);
        c.out().banner("Deleting user \"" + user + "\" ...");
        ManagementClient.Response r = c.api().delete(path("users", user));
        if (r.status() == 404) {
            throw noUser(user);
        }
        if (!r.ok()) {
            throw c.api().unexpected(r);
        }
    }

    private static void changePassword(Context c) throws CtlException {
        String user = c.arg(0);
        c.out().banner("Changing password for user \"" + user + "\" ...");
        JsonNode existing = existingUser(c, user);
        ObjectNode body = ManagementClient.JSON.createObjectNode().put("password", c.arg(1))
                .put("tags", String.join(",", tags(existing.path("tags"))));
        ManagementClient.Response r = c.api().put(path("users", user), body);
        if (!r.ok()) {
            throw c.api().unexpected(r);
        }
    }

    private static void setUserTags(Context c) throws CtlException {
        String user = c.arg(0);
        List<String> tags = c.invocation().arguments().subList(1, c.invocation().arguments().size());
        c.out().banner("Setting tags for user \"" + user + "\" to [" + String.join(", ", tags) + "] ...");
        JsonNode existing = existingUser(c, user);
        // the API replaces the whole user: send the stored hash back so the password does not change
        ObjectNode body = ManagementClient.JSON.createObjectNode()
                .put("password_hash", existing.path("password_hash").asText(""))
                .put("tags", String.join(",", tags));
        if (existing.hasNonNull("hashing_algorithm")) {
            body.put("hashing_algorithm", existing.get("hashing_algorithm").asText());
        }
        ManagementClient.Response r = c.api().put(path("users", user), body);
        if (!r.ok()) {
            throw c.api().unexpected(r);
        }
    }

    private static void listUsers(Context c) throws CtlException {
        c.out().banner("Listing users ...");
        JsonNode users = c.api().getJson(path("users"));
        List<List<JsonNode>> rows = new ArrayList<>();
        for (JsonNode u : users) {
            ArrayNode tags = ManagementClient.JSON.createArrayNode();
            tags(u.path("tags")).forEach(tags::add);
            rows.add(List.of(u.path("name"), tags));
        }
        c.out().table(List.of("user", "tags"), rows, Output.WhenEmpty.BLANK_LINE);
    }

    private static JsonNode existingUser(Context c, String user) throws CtlException {
        ManagementClient.Response r = c.api().get(path("users", user));
        if (r.status() == 404) {
            throw noUser(user);
        }
        if (!r.ok()) {
            throw c.api().unexpected(r);
        }
        return r.json();
    }

    private static CtlException noUser(String user) {
        return CtlException.error(CtlException.NO_USER, "User \"" + user + "\" does not exist");
    }

    /** Tags arrive as a list (RabbitMQ 3.9 and later) or as one comma-separated string (before). */
    static List<String> tags(JsonNode tags) {
        List<String> out = new ArrayList<>();
        if (tags.isArray()) {
            tags.forEach(t -> out.add(t.asText()));
        } else if (tags.isTextual()) {
            for (String t : tags.asText().split(",")) {
                if (!t.isBlank()) {
                    out.add(t.trim());
                }
            }
        }
        return out;
    }
}
