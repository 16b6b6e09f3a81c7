package dev.holdfast.spool;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.holdfast.json.Json;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLDataException;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.UUID;

/**
 * One parameterised SQL statement with typed parameters: what the journal holds for an audit event or a
 * critical write, and what replay executes. Parameters are limited to types that serialise exactly and bind
 * the same way on every JDBC driver: {@code String, Integer, Long, BigDecimal, Boolean, Double, LocalDate,
 * Instant} (bound as {@code timestamptz} in UTC), {@code OffsetDateTime, UUID, byte[]} and {@code null}.
 *
 * <p>Payload format (big-endian): byte format = 1; int sql length; sql in UTF-8; int parameter count; per
 * parameter a one-byte tag then its value (strings and decimals as int length + UTF-8; Instant as epoch
 * seconds + nanos; UUID as two longs; bytes as int length + bytes).
 */
public final class SpooledStatement {
    private static final byte FORMAT = 1;
    private static final String TYPES = "String, Integer, Long, BigDecimal, Boolean, Double, LocalDate, Instant,"
            + " OffsetDateTime, UUID, byte[] or null";

    private enum Tag { NULL, STRING, INTEGER, LONG, DECIMAL, BOOLEAN, DOUBLE, DATE, INSTANT, OFFSET_DATE_TIME, UUID, BYTES }

    private final String sql;
    private final List<Object> parameters;

    private SpooledStatement(String sql, List<Object> parameters) {
        this.sql = sql;
        this.parameters = parameters;
    }

    /**
     * A statement whose parameters ({@code ?}, in order) are {@code parameters}.
     *
     * @throws IllegalArgumentException naming the (1-based) index of a parameter of another type
     */
    public static SpooledStatement of(String sql, Object... parameters) {
        Objects.requireNonNull(sql, "sql");
        Objects.requireNonNull(parameters, "parameters");
        if (sql.isBlank()) {
            throw new IllegalArgumentException("sql must not be blank");
        }
        List<Object> copy = new ArrayList<>(parameters.length);
        for (int i = 0; i < parameters.length; i++) {
            Object p = parameters[i];
            if (p != null && tagOf(p) == null) {
                throw new IllegalArgumentException("parameter " + (i + 1) + " is a " + p.getClass().getName()
                        + "; a spooled statement takes " + TYPES);
            }
            copy.add(p instanceof byte[] ? ((byte[]) p).clone() : p);
        }
        return new SpooledStatement(sql, Collections.unmodifiableList(copy));
    }

    private static Tag tagOf(Object p) {
        if (p == null) {
            return Tag.NULL;
        } else if (p instanceof String) {
            return Tag.STRING;
        } else if (p instanceof Integer) {
            return Tag.INTEGER;
        } else if (p instanceof Long) {
            return Tag.LONG;
        } else if (p instanceof BigDecimal) {
            return Tag.DECIMAL;
        } else if (p instanceof Boolean) {
            return Tag.BOOLEAN;
        } else if (p instanceof Double) {
            return Tag.DOUBLE;
        } else if (p instanceof LocalDate) {
            return Tag.DATE;
        } else if (p instanceof Instant) {
            return Tag.INSTANT;
        } else if (p instanceof OffsetDateTime) {
            return Tag.OFFSET_DATE_TIME;
        } else if (p instanceof UUID) {
            return Tag.UUID;
        } else if (p instanceof byte[]) {
            return Tag.BYTES;
        }
        return null;
    }

    public String sql() {
        return sql;
    }

    public int parameterCount() {
        return parameters.size();
    }

    /** The payload to append to a {@link Journal}. */
    public byte[] encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + sql.length());
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(FORMAT);
            writeString(out, sql);
            out.writeInt(parameters.size());
            for (Object p : parameters) {
                Tag tag = tagOf(p);
                out.writeByte(tag.ordinal());
                switch (tag) {
                    case NULL: break;
                    case STRING: writeString(out, (String) p); break;
                    case INTEGER: out.writeInt((Integer) p); break;
                    case LONG: out.writeLong((Long) p); break;
                    case DECIMAL: writeString(out, ((BigDecimal) p).toString()); break;
                    case BOOLEAN: out.writeBoolean((Boolean) p); break;
                    case DOUBLE: out.writeDouble((Double) p); break;
                    case DATE: writeString(out, p.toString()); break;
                    case INSTANT:
                        out.writeLong(((Instant) p).getEpochSecond());
                        out.writeInt(((Instant) p).getNano());
                        break;
                    case OFFSET_DATE_TIME: writeString(out, p.toString()); break;
                    case UUID:
                        out.writeLong(((UUID) p).getMostSignificantBits());
                        out.writeLong(((UUID) p).getLeastSignificantBits());
                        break;
                    case BYTES:
                        out.writeInt(((byte[]) p).length);
                        out.write((byte[]) p);
                        break;
                    default: throw new AssertionError(tag);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory cannot fail", e);
        }
        return bytes.toByteArray();
    }

    /**
     * Reads a payload written by {@link #encode()}.
     *
     * @throws SQLDataException (SQLState {@code 22P03}, invalid binary representation) when it is not one; replay
     *     then dead-letters the record like any statement the database refuses
     */
    public static SpooledStatement decode(byte[] payload) throws SQLDataException {
        Objects.requireNonNull(payload, "payload");
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload))) {
            byte format = in.readByte();
            if (format != FORMAT) {
                throw new SQLDataException("spooled statement has format " + format + ", expected " + FORMAT, "22P03");
            }
            String sql = readString(in);
            int count = in.readInt();
            if (count < 0 || count > payload.length) {
                throw new SQLDataException("spooled statement has a bad parameter count", "22P03");
            }
            List<Object> parameters = new ArrayList<>(count);
            Tag[] tags = Tag.values();
            for (int i = 0; i < count; i++) {
                int t = in.readUnsignedByte();
                if (t >= tags.length) {
                    throw new SQLDataException("spooled statement parameter " + (i + 1) + " has unknown type " + t, "22P03");
                }
                switch (tags[t]) {
                    case NULL: parameters.add(null); break;
                    case STRING: parameters.add(readString(in)); break;
                    case INTEGER: parameters.add(in.readInt()); break;
                    case LONG: parameters.add(in.readLong()); break;
                    case DECIMAL: parameters.add(new BigDecimal(readString(in))); break;
                    case BOOLEAN: parameters.add(in.readBoolean()); break;
                    case DOUBLE: parameters.add(in.readDouble()); break;
                    case DATE: parameters.add(LocalDate.parse(readString(in))); break;
                    case INSTANT: parameters.add(Instant.ofEpochSecond(in.readLong(), in.readInt())); break;
                    case OFFSET_DATE_TIME: parameters.add(OffsetDateTime.parse(readString(in))); break;
                    case UUID: parameters.add(new UUID(in.readLong(), in.readLong())); break;
                    case BYTES: parameters.add(readBytes(in)); break;
                    default: throw new AssertionError(tags[t]);
                }
            }
            if (in.available() > 0) {
                throw new SQLDataException("spooled statement has trailing bytes", "22P03");
            }
            return new SpooledStatement(sql, Collections.unmodifiableList(parameters));
        } catch (IOException | RuntimeException e) {
            // EOF, a bad number or date: the bytes are not a statement we wrote.
            throw new SQLDataException("spooled statement is unreadable: " + e.getClass().getSimpleName(), "22P03", e);
        }
    }

    /** Prepares, binds and runs the statement on {@code connection}; returns its update count. */
    public int executeUpdate(Connection connection) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.size(); i++) {
                bind(statement, i + 1, parameters.get(i));
            }
            return statement.executeUpdate();
        }
    }

    private static void bind(PreparedStatement statement, int index, Object p) throws SQLException {
        switch (tagOf(p)) {
            case NULL: statement.setNull(index, Types.NULL); break;
            case STRING: statement.setString(index, (String) p); break;
            case INTEGER: statement.setInt(index, (Integer) p); break;
            case LONG: statement.setLong(index, (Long) p); break;
            case DECIMAL: statement.setBigDecimal(index, (BigDecimal) p); break;
            case BOOLEAN: statement.setBoolean(index, (Boolean) p); break;
            case DOUBLE: statement.setDouble(index, (Double) p); break;
            case DATE: statement.setObject(index, p); break;
            // JDBC 4.2 maps OffsetDateTime, not Instant, to TIMESTAMP WITH TIME ZONE.
            case INSTANT: statement.setObject(index, ((Instant) p).atOffset(ZoneOffset.UTC)); break;
            case OFFSET_DATE_TIME: statement.setObject(index, p); break;
            case UUID: statement.setObject(index, p); break;
            case BYTES: statement.setBytes(index, (byte[]) p); break;
            default: throw new AssertionError(p);
        }
    }

    /** One JSON object: {@code {"sql": ..., "params": [{"type": ..., "value": ...}, ...]}} (for export). */
    public String toJson() {
        return Json.write(this::writeTo);
    }

    /** Writes what {@link #toJson()} returns to {@code json}. */
    void writeTo(JsonGenerator json) throws IOException {
        json.writeStartObject();
        json.writeStringField("sql", sql);
        json.writeArrayFieldStart("params");
        for (Object p : parameters) {
            Tag tag = tagOf(p);
            json.writeStartObject();
            json.writeStringField("type", tag.name().toLowerCase(Locale.ROOT));
            json.writeFieldName("value");
            switch (tag) {
                case NULL: json.writeNull(); break;
                case INTEGER: json.writeNumber((Integer) p); break;
                case LONG: json.writeNumber((Long) p); break;
                case BOOLEAN: json.writeBoolean((Boolean) p); break;
                case DOUBLE:
                    double d = (Double) p;
                    if (Double.isFinite(d)) {
                        json.writeNumber(d);
                    } else {
                        json.writeString(Double.toString(d));
                    }
                    break;
                case BYTES: json.writeString(Base64.getEncoder().encodeToString((byte[]) p)); break;
                default: json.writeString(p.toString());
            }
            json.writeEndObject();
        }
        json.writeEndArray();
        json.writeEndObject();
    }

    private static void writeString(DataOutputStream out, String s) throws IOException {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(utf8.length);
        out.write(utf8);
    }

    private static String readString(DataInputStream in) throws IOException {
        return new String(readBytes(in), StandardCharsets.UTF_8);
    }

    private static byte[] readBytes(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length < 0 || length > in.available()) {
            throw new IOException("length " + length + " beyond the payload");
        }
        byte[] bytes = new byte[length];
        in.readFully(bytes);
        return bytes;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof SpooledStatement)) {
            return false;
        }
        SpooledStatement other = (SpooledStatement) o;
        return sql.equals(other.sql) && Arrays.deepEquals(parameters.toArray(), other.parameters.toArray());
    }

    @Override
    public int hashCode() {
        return sql.hashCode() * 31 + Arrays.deepHashCode(parameters.toArray());
    }

    @Override
    public String toString() {
        // The SQL and the count only: parameter values are the application's data.
        return "SpooledStatement[" + sql + ", " + parameters.size() + " parameters]";
    }
}
