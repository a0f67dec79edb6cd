package io.leveret.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every method of the spec (RabbitMQ's extensions included) goes through encoder and decoder and comes
 * back equal, with a non-default value in every argument and two complementary bit patterns.
 */
class MethodRoundTripTest {

    @Test
    void registryHoldsExactlyTheMethodsOfTheSpec() {
        int[] specKeys = Spec.METHODS.stream().mapToInt(Spec.MethodSpec::key).toArray();
        assertArrayEquals(specKeys, MethodRegistry.KEYS);
        for (Spec.MethodSpec m : Spec.METHODS) {
            assertTrue(MethodRegistry.isKnown(m.classId(), m.id()), m.name());
        }
        assertEquals(66, specKeys.length, "0-9-1 with RabbitMQ's extensions has 66 methods");
    }

    static Stream<Arguments> everyMethodTwice() {
        return Spec.METHODS.stream().flatMap(m -> Stream.of(Arguments.of(m, 0), Arguments.of(m, 1)));
    }

    @ParameterizedTest(name = "{0} variant {1}")
    @MethodSource("everyMethodTwice")
    void roundTrips(Spec.MethodSpec spec, int variant) throws Exception {
        Method original = sample(spec, variant);
        assertEquals(spec.key(), original.key());
        assertEquals(spec.className() + "." + spec.name(), original.name());
        assertEquals(spec.content(), original.hasContent(), "content flag of " + original.name());

        byte[] wire = Harness.encode(new MethodFrame(7, original));
        List<Object> out = Harness.decode(CodecLimits.DEFAULT, wire);
        try {
            assertEquals(List.of(new MethodFrame(7, original)), out);
        } finally {
            Harness.releaseAll(out);
        }
        assertArrayEquals(wire, Harness.encode(new MethodFrame(7, Harness.decodeMethod(wire))),
                "re-encoding gives the same bytes");
    }

    /** A record for {@code spec} with every component set away from its default, built by reflection. */
    static Method sample(Spec.MethodSpec spec, int variant) throws Exception {
        Class<?> type = spec.recordClass();
        RecordComponent[] components = type.getRecordComponents();
        assertEquals(spec.arguments().size(), components.length, spec.name());
        Object[] values = new Object[components.length];
        for (int k = 0; k < components.length; k++) {
            Spec.Argument arg = spec.arguments().get(k);
            assertEquals(arg.name(), components[k].getName(), "argument " + k + " of " + spec.name());
            values[k] = value(arg.type(), k, variant);
        }
        Class<?>[] types = Arrays.stream(components).map(RecordComponent::getType).toArray(Class<?>[]::new);
        return (Method) type.getDeclaredConstructor(types).newInstance(values);
    }

    private static Object value(String wireType, int k, int variant) {
        return switch (wireType) {
            case "octet" -> 0xF0 + k + variant;
            case "short" -> 0xF000 + k + variant;
            case "long" -> 0xF000_0000L + k + variant;
            case "longlong", "timestamp" -> Long.MIN_VALUE + 0x1234 + k + variant;
            case "bit" -> (k + variant) % 2 == 0;
            case "shortstr" -> variant == 0 ? "arg " + k + " ünïcødé ✓" : "x".repeat(255);
            case "longstr" -> LongString.of(new byte[] {0, (byte) 0xFF, 'a', (byte) k, (byte) variant});
            case "table" -> variant == 0 ? FieldTables.everyType() : FieldTable.of(java.util.Map.of("k", k));
            default -> throw new IllegalArgumentException(wireType);
        };
    }
}
