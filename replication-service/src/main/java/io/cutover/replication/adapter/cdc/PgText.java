package io.cutover.replication.adapter.cdc;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.postgresql.PGStatement;

import io.debezium.connector.postgresql.PostgresValueConverter;

/**
 * Turns the values of Debezium change events back into PostgreSQL's text input form, to be cast to the target
 * column's type in the statement. The connector runs with decimals and intervals as strings, so no precision is
 * lost on the way; a type this cannot express is refused by name, never written wrong.
 */
final class PgText {

    /** What the connector puts in place of an unchanged TOAST value; such a column is left as it is. */
    static final String UNAVAILABLE = "__cutover_unchanged_toast__";
    private static final byte[] UNAVAILABLE_BYTES = UNAVAILABLE.getBytes(StandardCharsets.UTF_8);
    private static final HexFormat HEX = HexFormat.of();
    private static final String NUL = "a value holds a NUL character, which PostgreSQL text cannot hold";
    /** The stream's days for infinite dates: Debezium's own markers, beyond the dates PostgreSQL can hold. */
    private static final long DATE_POSITIVE_INFINITY = PostgresValueConverter.POSITIVE_INFINITY_LOCAL_DATE.toEpochDay();
    private static final long DATE_NEGATIVE_INFINITY = PostgresValueConverter.NEGATIVE_INFINITY_LOCAL_DATE.toEpochDay();

    private PgText() {
    }

    static boolean unchangedToast(Object value) {
        if (value instanceof String s) {
            return s.equals(UNAVAILABLE);
        }
        if (value instanceof ByteBuffer b) {
            return b.remaining() == UNAVAILABLE_BYTES.length && Arrays.equals(bytes(b), UNAVAILABLE_BYTES);
        }
        if (value instanceof byte[] b) {
            return Arrays.equals(b, UNAVAILABLE_BYTES);
        }
        if (value instanceof List<?> list && list.size() == 1) {
            return unchangedToast(list.get(0));
        }
        return false;
    }

    /** The text input form of value, or null for SQL NULL; table and column only name it in errors. */
    static String text(Schema schema, Object value, String table, String column) {
        if (value == null) {
            return null;
        }
        String name = schema.name();
        if (name != null) {
            switch (name) {
                case "io.debezium.time.Date": {
                    long days = ((Number) value).longValue();
                    return days == DATE_POSITIVE_INFINITY ? "infinity" : days == DATE_NEGATIVE_INFINITY ? "-infinity"
                            : LocalDate.ofEpochDay(days).toString();
                }
                case "io.debezium.time.Time":
                    return LocalTime.ofNanoOfDay(((Number) value).longValue() * 1_000_000L).toString();
                case "io.debezium.time.MicroTime":
                    return LocalTime.ofNanoOfDay(((Number) value).longValue() * 1_000L).toString();
                case "io.debezium.time.NanoTime":
                    return LocalTime.ofNanoOfDay(((Number) value).longValue()).toString();
                case "io.debezium.time.Timestamp":
                    return timestamp(((Number) value).longValue(), 1_000L, 1_000_000L);
                case "io.debezium.time.MicroTimestamp":
                    return timestamp(((Number) value).longValue(), 1_000_000L, 1_000L);
                case "io.debezium.time.NanoTimestamp":
                    return timestamp(((Number) value).longValue(), 1_000_000_000L, 1L);
                case "org.apache.kafka.connect.data.Decimal":
                    return ((BigDecimal) value).toPlainString();
                case "io.debezium.data.VariableScaleDecimal": {
                    Struct s = (Struct) value;
                    return new BigDecimal(new BigInteger(s.getBytes("value")), s.getInt32("scale"))
                            .toPlainString();
                }
                case "io.debezium.data.Bits":
                    throw new UnsupportedTypeException(table, column, "bit strings");
                case "io.debezium.time.ZonedTime":
                    throw new UnsupportedTypeException(table, column, "time with time zone, whose offset the stream"
                            + " does not keep");
                default:
                    break;
            }
        }
        return switch (schema.type()) {
            case INT8, INT16, INT32, INT64, FLOAT32, FLOAT64, BOOLEAN, STRING -> value.toString();
            case BYTES -> "\\x" + HEX.formatHex(value instanceof ByteBuffer b ? bytes(b) : (byte[]) value);
            case ARRAY -> array(schema.valueSchema(), (List<?>) value, table, column);
            case MAP -> hstore((Map<?, ?>) value);
            default -> throw new UnsupportedTypeException(table, column,
                    schema.type() + " " + (name == null ? "" : name));
        };
    }

    /**
     * A SQL literal of the text cast to type. The apply session runs with standard_conforming_strings on, so only
     * the quote needs doubling.
     */
    static String literal(String text, String type) {
        if (text == null) {
            return "NULL::" + type;
        }
        if (text.indexOf('\0') >= 0) {
            throw new IllegalStateException(NUL);
        }
        return "'" + text.replace("'", "''") + "'::" + type;
    }

    /**
     * Appends text as a field of COPY's text format: \N for null, and the four characters that format gives a
     * meaning to (backslash, newline, carriage return, tab) escaped.
     */
    static void copyField(StringBuilder row, String text) {
        if (text == null) {
            row.append("\\N");
            return;
        }
        int i = 0;
        while (i < text.length() && text.charAt(i) >= ' ' && text.charAt(i) != '\\') {
            i++; // no control character and no backslash so far: nothing to escape
        }
        row.append(text, 0, i);
        for (; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\\' -> row.append("\\\\");
                case '\n' -> row.append("\\n");
                case '\r' -> row.append("\\r");
                case '\t' -> row.append("\\t");
                case '\0' -> throw new IllegalStateException(NUL);
                default -> row.append(c);
            }
        }
    }

    private static String array(Schema element, List<?> values, String table, String column) {
        StringBuilder out = new StringBuilder("{");
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            arrayElement(out, text(element, values.get(i), table, column));
        }
        return out.append('}').toString();
    }

    /** An hstore's text form: "key"=>"value" pairs, a value NULL when null. */
    private static String hstore(Map<?, ?> pairs) {
        StringBuilder out = new StringBuilder();
        for (Map.Entry<?, ?> e : pairs.entrySet()) {
            if (!out.isEmpty()) {
                out.append(", ");
            }
            arrayElement(out, String.valueOf(e.getKey()));
            out.append("=>");
            arrayElement(out, e.getValue() == null ? null : e.getValue().toString());
        }
        return out.toString();
    }

    /** Appends text as an element of an array's (or an hstore's) text form: quoted, or NULL for null. */
    static void arrayElement(StringBuilder array, String text) {
        if (text == null) {
            array.append("NULL");
            return;
        }
        array.append('"');
        if (text.indexOf('"') < 0 && text.indexOf('\\') < 0) {
            array.append(text); // most values need no escape
        } else {
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (c == '"' || c == '\\') {
                    array.append('\\');
                }
                array.append(c);
            }
        }
        array.append('"');
    }

    /**
     * PostgreSQL's infinite timestamps reach the stream as the driver's markers for them (in milliseconds, which
     * fit) or, in finer units, as the largest and smallest long (the marker's conversion saturates there).
     */
    private static String timestamp(long value, long perSecond, long nanosPerUnit) {
        if (value == PGStatement.DATE_POSITIVE_INFINITY || value == Long.MAX_VALUE) {
            return "infinity";
        }
        if (value == PGStatement.DATE_NEGATIVE_INFINITY || value == Long.MIN_VALUE) {
            return "-infinity";
        }
        long seconds = Math.floorDiv(value, perSecond);
        long nanos = Math.floorMod(value, perSecond) * nanosPerUnit;
        return LocalDateTime.ofEpochSecond(seconds, (int) nanos, ZoneOffset.UTC).toString();
    }

    private static byte[] bytes(ByteBuffer b) {
        ByteBuffer copy = b.duplicate();
        byte[] out = new byte[copy.remaining()];
        copy.get(out);
        return out;
    }

    /** A column whose type the change stream carries in a form this cannot turn back into the same value. */
    static final class UnsupportedTypeException extends IllegalStateException {
        UnsupportedTypeException(String table, String column, String what) {
            super("column " + table + "." + column + " holds " + what + ", which the online sync cannot apply yet");
        }
    }
}
