package dev.holdfast.spool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import java.sql.SQLDataException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.Date;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class SpooledStatementTest {
    private static final Object[] EVERY_TYPE = {
        "text ✓", 42, 7L, new BigDecimal("12.3400"), true, 2.5, LocalDate.parse("2026-11-26"),
        Instant.parse("2026-11-26T21:00:00.123456789Z"), OffsetDateTime.parse("2026-11-26T22:00:00+01:00"),
        UUID.fromString("123e4567-e89b-12d3-a456-426614174000"), new byte[] {1, 2, 3}, null
    };

    @Test
    void roundTripsEveryAllowedType() throws Exception {
        SpooledStatement statement = SpooledStatement.of("INSERT INTO t VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", EVERY_TYPE);
        SpooledStatement back = SpooledStatement.decode(statement.encode());
        assertEquals(statement, back);
        assertEquals(12, back.parameterCount());
        assertEquals(statement.sql(), back.sql());
    }

    @Test
    void refusesAParameterTypeNamingItsIndex() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SpooledStatement.of("INSERT INTO t VALUES (?, ?)", "ok", new Date()));
        assertEquals("parameter 2 is a java.util.Date; a spooled statement takes String, Integer, Long, BigDecimal,"
                + " Boolean, Double, LocalDate, Instant, OffsetDateTime, UUID, byte[] or null", e.getMessage());
    }

    @Test
    void refusesBlankSql() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SpooledStatement.of(" "));
        assertEquals("sql must not be blank", e.getMessage());
    }

    @Test
    void copiesByteArrays() throws Exception {
        byte[] bytes = {1, 2};
        SpooledStatement statement = SpooledStatement.of("x", (Object) bytes);
        bytes[0] = 9;
        assertEquals(SpooledStatement.of("x", (Object) new byte[] {1, 2}), statement);
    }

    @Test
    void refusesBytesThatAreNotAStatement() {
        byte[] good = SpooledStatement.of("INSERT INTO t VALUES (?)", "abc").encode();
        SQLDataException truncated = assertThrows(SQLDataException.class,
                () -> SpooledStatement.decode(Arrays.copyOf(good, good.length - 1)));
        assertEquals("22P03", truncated.getSQLState());
        byte[] otherFormat = good.clone();
        otherFormat[0] = 9;
        SQLDataException format = assertThrows(SQLDataException.class, () -> SpooledStatement.decode(otherFormat));
        assertEquals("spooled statement has format 9, expected 1", format.getMessage());
    }

    @Test
    void exportsAsJsonWithTypedValues() {
        String json = SpooledStatement.of("INSERT INTO t VALUES (?,?,?,?)", "a\"b", 5, null, new byte[] {1}).toJson();
        assertEquals("{\"sql\":\"INSERT INTO t VALUES (?,?,?,?)\",\"params\":[{\"type\":\"string\",\"value\":\"a\\\"b\"},"
                + "{\"type\":\"integer\",\"value\":5},{\"type\":\"null\",\"value\":null},"
                + "{\"type\":\"bytes\",\"value\":\"AQ==\"}]}", json);
    }

    @Test
    void toStringNeverShowsValues() {
        assertEquals("SpooledStatement[INSERT INTO t VALUES (?), 1 parameters]",
                SpooledStatement.of("INSERT INTO t VALUES (?)", "secret-value").toString());
    }
}
