package io.leveret.store.definitions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.leveret.store.Blob;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DefinitionCodecTest {
    @Test
    void everyKindOfChangeRoundTrips() throws IOException {
        List<Change> changes = new ArrayList<>(Fixtures.model("/"));
        changes.addAll(List.of(new Change.DeleteVhost("v"), new Change.DeleteExchange("/", "e"),
                new Change.DeleteQueue("/", "q"), new Change.DeleteBinding(Fixtures.binding("/", "e", "q", "k")),
                new Change.DeleteUser("u"), new Change.DeletePermission("u", "/"), new Change.DeletePolicy("/", "p"),
                new Change.PutTopicPermission(new TopicPermissionDefinition("u", "/", "amq.topic", "^a", "^b")),
                new Change.DeleteTopicPermission("u", "/", "amq.topic"),
                new Change.PutParameter(new ParameterDefinition("/", "vhost-limits", "limits",
                        io.leveret.store.Blob.of(new byte[] {'{', '}'}))),
                new Change.DeleteParameter("/", "vhost-limits", "limits"),
                new Change.PutUser(new UserDefinition("limited", Blob.of(new byte[] {1}), List.of(),
                        Map.of("max-connections", -1, "max-channels", 0)))));
        for (Change change : changes) {
            assertEquals(change, DefinitionCodec.decodeChange(DefinitionCodec.encode(change)));
        }
        assertEquals(18, Change.class.getPermittedSubclasses().length, "a new change needs a round-trip case");
    }

    @Test
    void aNewerRecordVersionIsRefused() {
        byte[] encoded = DefinitionCodec.encode(new Change.DeleteVhost("v"));
        encoded[0] = 5;
        IOException error = assertThrows(IOException.class, () -> DefinitionCodec.decodeChange(encoded));
        assertEquals("definition record version 5 is not one this Leveret reads (1 to 4)", error.getMessage());
    }

    @Test
    void aQueueKeepsItsTypeAndHomeNodeAndAVersionThreeQueueHasNoHome() throws IOException {
        QueueDefinition homed = new QueueDefinition("/", "q", true, false, false, Blob.of(new byte[0]),
                QueueDefinition.QUORUM, "leveret@host1");
        byte[] encoded = DefinitionCodec.encode(homed);
        assertEquals(homed, DefinitionCodec.decodeQueue(encoded));
        // Version 3 ended after the type: the same record without the node reads as a queue of no home node.
        QueueDefinition plain = new QueueDefinition("/", "q", true, false, false, Blob.of(new byte[0]),
                QueueDefinition.QUORUM, "");
        byte[] v4 = DefinitionCodec.encode(plain);
        byte[] v3 = java.util.Arrays.copyOf(v4, v4.length - 4); // the empty node: a 4-byte length of 0
        v3[0] = 3;
        assertEquals(plain, DefinitionCodec.decodeQueue(v3));
        assertEquals("", DefinitionCodec.decodeQueue(v3).node());
    }

    @Test
    void aVersionOneUserRecordReadsAsAUserWithoutLimits() throws IOException {
        // A user as Leveret wrote it before limits: version 1, name, hash, tags, and nothing after.
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeByte(1);
        writeString(out, "old");
        out.writeInt(2);
        out.write(new byte[] {7, 7});
        out.writeInt(1);
        writeString(out, "monitoring");
        UserDefinition user = DefinitionCodec.decodeUser(bytes.toByteArray());
        assertEquals(new UserDefinition("old", Blob.of(new byte[] {7, 7}), List.of("monitoring")), user);
        assertEquals(Map.of(), user.limits());

        // The same record with limits after the tags is not version 1: the reader refuses trailing bytes.
        out.writeInt(0);
        assertThrows(IOException.class, () -> DefinitionCodec.decodeUser(bytes.toByteArray()));
        byte[] asVersion2 = bytes.toByteArray();
        asVersion2[0] = 2;
        assertEquals(user, DefinitionCodec.decodeUser(asVersion2));
    }

    @Test
    void aQueueRecordBeforeQueueTypesReadsAsAClassicQueue() throws IOException {
        // A queue as Leveret wrote it at version 2: vhost, name, flags, arguments, and no type after them.
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeByte(2);
        writeString(out, "/");
        writeString(out, "old");
        out.writeByte(1);
        out.writeInt(0);
        QueueDefinition queue = DefinitionCodec.decodeQueue(bytes.toByteArray());
        assertEquals(new QueueDefinition("/", "old", true, false, false, Blob.EMPTY, QueueDefinition.CLASSIC, ""), queue);

        QueueDefinition quorum = new QueueDefinition("/", "qq", true, false, false, Blob.EMPTY, QueueDefinition.QUORUM, "");
        assertEquals(quorum, DefinitionCodec.decodeQueue(DefinitionCodec.encode(quorum)));
    }

    @Test
    void userLimitsRoundTripWithTheirNamesAndSigns() throws IOException {
        UserDefinition user = new UserDefinition("u", Blob.of(new byte[] {1, 2}), List.of("a"),
                Map.of("max-connections", 1, "max-channels", -5));
        assertEquals(user, DefinitionCodec.decodeUser(DefinitionCodec.encode(user)));
    }

    private static void writeString(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    @Test
    void aLengthPastTheEndIsAnErrorNotAnAllocation() {
        byte[] encoded = DefinitionCodec.encode(new Change.DeleteVhost("v"));
        encoded[2] = 0x7F; // length's high byte
        assertThrows(IOException.class, () -> DefinitionCodec.decodeChange(encoded));
    }
}
