package io.leveret.server.definitions;

import com.fasterxml.jackson.databind.JsonNode;
import io.leveret.store.definitions.Change;
import io.leveret.store.definitions.Definitions;
import io.leveret.store.definitions.UserDefinition;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A user's {@code "limits"} object in RabbitMQ's definitions JSON, read as RabbitMQ 3.10's import reads it
 * (rabbit_auth_backend_internal:put_user, then set_user_limits): only {@code max-connections} and
 * {@code max-channels}, each a number, any other name refused ("Unrecognised terms"); values are kept as
 * given, -1 and 0 included (their meaning is the broker's: negative is no limit, 0 allows none). The limits
 * in a file are added to those a stored user already has: an absent or empty object clears nothing.
 */
final class UserLimitsJson {
    static final Set<String> NAMES = Set.of("max-connections", "max-channels");

    private UserLimitsJson() {
    }

    /**
     * The limits of one user entry, sorted by name.
     *
     * @throws IllegalArgumentException for an unknown limit or a value that is not a whole number
     */
    static Map<String, Integer> read(JsonNode user) {
        JsonNode limits = user.path("limits");
        Map<String, Integer> out = new TreeMap<>();
        if (limits.isMissingNode() || limits.isNull()) {
            return out;
        }
        if (!limits.isObject()) {
            throw new IllegalArgumentException("user '" + user.path("name").asText() + "' has limits that are not an"
                    + " object: " + limits);
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = limits.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!NAMES.contains(e.getKey())) {
                throw new IllegalArgumentException("user '" + user.path("name").asText() + "': unrecognised terms "
                        + e.getKey() + " in user-limits");
            }
            JsonNode v = e.getValue();
            if (!v.isIntegralNumber() || !v.canConvertToInt()) {
                throw new IllegalArgumentException("user '" + user.path("name").asText() + "': " + e.getKey()
                        + " should be a whole number, actually was " + v);
            }
            out.put(e.getKey(), v.intValue());
        }
        return out;
    }

    /** {@code changes} with each imported user's limits added to those it has in {@code stored}. */
    static List<Change> mergedWithStored(List<Change> changes, Definitions stored) {
        Map<String, UserDefinition> users = new HashMap<>();
        stored.users().forEach(u -> users.put(u.name(), u));
        List<Change> out = new ArrayList<>(changes.size());
        for (Change c : changes) {
            UserDefinition before = c instanceof Change.PutUser p ? users.get(p.user().name()) : null;
            if (before == null || before.limits().isEmpty()) {
                out.add(c);
                continue;
            }
            UserDefinition u = ((Change.PutUser) c).user();
            Map<String, Integer> limits = new TreeMap<>(before.limits());
            limits.putAll(u.limits());
            out.add(new Change.PutUser(new UserDefinition(u.name(), u.passwordHash(), u.tags(), limits)));
        }
        return out;
    }
}
