package io.leveret.server.definitions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import io.leveret.server.protocol.Limits;
import io.leveret.store.Blob;
import io.leveret.store.definitions.Change;
import io.leveret.store.definitions.Definitions;
import io.leveret.store.definitions.UserDefinition;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The user "limits" object as RabbitMQ 3.10.8's import takes it (probed with rabbitmqctl import_definitions). */
class UserLimitsJsonTest {
    private static JsonNode user(String limits) throws Exception {
        return StoredForm.JSON.readTree("{\"name\":\"u\"" + (limits == null ? "" : ",\"limits\":" + limits) + "}");
    }

    @Test
    void valuesAreKeptAsGivenAndMeanWhatRabbitMqMakesOfThem() throws Exception {
        assertEquals(Map.of("max-channels", 0, "max-connections", -1),
                UserLimitsJson.read(user("{\"max-connections\":-1,\"max-channels\":0}")));
        assertEquals(Map.of(), UserLimitsJson.read(user(null)));
        assertEquals(Map.of(), UserLimitsJson.read(user("{}")));
        assertEquals(new Limits.UserLimits(-1, 0), Limits.UserLimits.of(Map.of("max-channels", 0)));
        assertEquals(Limits.UserLimits.NONE, Limits.UserLimits.of(Map.of()));
    }

    @Test
    void anUnknownLimitOrANonNumberIsRefused() throws Exception {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> UserLimitsJson.read(user("{\"max-queues\":3}")));
        assertEquals("user 'u': unrecognised terms max-queues in user-limits", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> UserLimitsJson.read(user("{\"max-connections\":\"x\"}")));
        assertEquals("user 'u': max-connections should be a whole number, actually was \"x\"", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> UserLimitsJson.read(user("[1]")));
    }

    @Test
    void importedLimitsAreAddedToTheStoredOnes() {
        Blob hash = Blob.of(new byte[] {1});
        Definitions stored = new Definitions(List.of(),
                List.of(new UserDefinition("u", hash, List.of(), Map.of("max-connections", 5, "max-channels", 1))),
                List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), List.of());
        List<Change> merged = UserLimitsJson.mergedWithStored(List.of(
                new Change.PutUser(new UserDefinition("u", hash, List.of("t"), Map.of("max-channels", 9))),
                new Change.PutUser(new UserDefinition("new", hash, List.of()))), stored);
        assertEquals(List.of(
                new Change.PutUser(new UserDefinition("u", hash, List.of("t"), Map.of("max-connections", 5, "max-channels", 9))),
                new Change.PutUser(new UserDefinition("new", hash, List.of()))), merged);
    }
}
