package io.leveret.codec;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One typed value of a field table or field array. The type tag is kept next to the value so that a
 * table re-encodes with the tags it arrived with (RabbitMQ's clients care: an 'l' is not an 'I').
 *
 * <p>Tags and their Java values, as RabbitMQ reads them:
 * t Boolean; b Byte (signed 8); B Integer (unsigned 8); s Short (signed 16); u Integer (unsigned 16);
 * I Integer (signed 32); i Long (unsigned 32); l Long (signed 64); L Long (unsigned 64, as its bit pattern);
 * f Float; d Double; D BigDecimal; S LongString; x LongString (byte array); A List of FieldValue;
 * T Instant (seconds); F FieldTable; V null.
 */
public record FieldValue(char type, Object value) {

    public FieldValue {
        if (!valid(type, value)) {
            throw new IllegalArgumentException("value " + value + " does not fit field type '" + type + "'");
        }
    }

    private static boolean valid(char type, Object v) {
        return switch (type) {
            case 't' -> v instanceof Boolean;
            case 'b' -> v instanceof Byte;
            case 'B' -> v instanceof Integer i && i >= 0 && i <= 0xFF;
            case 's' -> v instanceof Short;
            case 'u' -> v instanceof Integer i && i >= 0 && i <= 0xFFFF;
            case 'I' -> v instanceof Integer;
            case 'i' -> v instanceof Long l && l >= 0 && l <= 0xFFFF_FFFFL;
            case 'l', 'L' -> v instanceof Long;
            case 'f' -> v instanceof Float;
            case 'd' -> v instanceof Double;
            case 'D' -> v instanceof BigDecimal d && d.scale() >= 0 && d.scale() <= 255
                    && d.unscaledValue().bitLength() < 32;
            case 'S', 'x' -> v instanceof LongString;
            case 'A' -> v instanceof List<?> list && list.stream().allMatch(e -> e instanceof FieldValue);
            case 'T' -> v instanceof Instant;
            case 'F' -> v instanceof FieldTable;
            case 'V' -> v == null;
            default -> false;
        };
    }

    /**
     * The value for a plain Java object, with the tag RabbitMQ's Java client would choose:
     * String/LongString S, Integer I, Long l, Short s, Byte b, Boolean t, Float f, Double d,
     * BigDecimal D, Instant T, byte[] x, FieldTable F, List A (elements converted the same way), null V.
     */
    public static FieldValue of(Object v) {
        if (v instanceof FieldValue fv) {
            return fv;
        }
        if (v == null) {
            return new FieldValue('V', null);
        }
        if (v instanceof String s) {
            return new FieldValue('S', LongString.of(s));
        }
        if (v instanceof LongString s) {
            return new FieldValue('S', s);
        }
        if (v instanceof Integer) {
            return new FieldValue('I', v);
        }
        if (v instanceof Long) {
            return new FieldValue('l', v);
        }
        if (v instanceof Short) {
            return new FieldValue('s', v);
        }
        if (v instanceof Byte) {
            return new FieldValue('b', v);
        }
        if (v instanceof Boolean) {
            return new FieldValue('t', v);
        }
        if (v instanceof Float) {
            return new FieldValue('f', v);
        }
        if (v instanceof Double) {
            return new FieldValue('d', v);
        }
        if (v instanceof BigDecimal) {
            return new FieldValue('D', v);
        }
        if (v instanceof Instant) {
            return new FieldValue('T', v);
        }
        if (v instanceof byte[] b) {
            return new FieldValue('x', LongString.of(b));
        }
        if (v instanceof FieldTable) {
            return new FieldValue('F', v);
        }
        if (v instanceof List<?> list) {
            return new FieldValue('A', list.stream().map(FieldValue::of).toList());
        }
        throw new IllegalArgumentException("no AMQP field type for " + v.getClass().getName());
    }

    /** RabbitMQ's name for this value's type, as its reply texts print it ({@code signedint}, {@code longstr}, ...). */
    public String rabbitTypeName() {
        return switch (type) {
            case 't' -> "bool";
            case 'b' -> "byte";
            case 'B' -> "unsignedbyte";
            case 's' -> "short";
            case 'u' -> "unsignedshort";
            case 'I' -> "signedint";
            case 'i' -> "unsignedint";
            case 'l', 'L' -> "long";
            case 'f' -> "float";
            case 'd' -> "double";
            case 'D' -> "decimal";
            case 'S' -> "longstr";
            case 'x' -> "binary";
            case 'A' -> "array";
            case 'T' -> "timestamp";
            case 'F' -> "table";
            default -> "void";
        };
    }

    /** True for the integer tags (b B s u I i l L). */
    public boolean isInteger() {
        return "bBsuIilL".indexOf(type) >= 0;
    }

    /** The value as a long, for the integer tags; throws otherwise. */
    public long longValue() {
        if (!isInteger()) {
            throw new IllegalStateException("field type '" + type + "' is not an integer");
        }
        return ((Number) value).longValue();
    }

    /** The value as text, for S and x; null otherwise. */
    public String stringValue() {
        return value instanceof LongString s ? s.toString() : null;
    }

    @SuppressWarnings("unchecked")
    public List<FieldValue> arrayValue() {
        return type == 'A' ? (List<FieldValue>) value : null;
    }

    public FieldTable tableValue() {
        return type == 'F' ? (FieldTable) value : null;
    }

    @Override
    public String toString() {
        return type + ":" + Objects.toString(value);
    }
}
