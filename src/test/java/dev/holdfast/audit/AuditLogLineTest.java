package dev.holdfast.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class AuditLogLineTest {
    private static final Instant AT = Instant.parse("2026-11-26T21:00:00Z");
    private static final UUID ID = UUID.fromString("123e4567-e89b-12d3-a456-426614174000");

    @Test
    void writesPlainValuesBare() {
        assertEquals("at=2026-11-26T21:00:00Z user=alice@example.com outcome=success tier=database client=10.0.0.1"
                        + " id=" + ID,
                AuditLog.line(AuditEvent.of(AT, "alice@example.com", "success", "database", "10.0.0.1"), ID));
    }

    @Test
    void quotesAUsernameThatTriesToForgeFields() {
        String forged = "bob outcome=success\nat=2026-01-01T00:00:00Z user=admin \"x\\";
        assertEquals("at=2026-11-26T21:00:00Z user=\"bob outcome=success\\nat=2026-01-01T00:00:00Z user=admin \\\"x\\\\\""
                        + " outcome=invalid_credentials tier=- client=::1",
                AuditLog.line(AuditEvent.of(AT, forged, "invalid_credentials", null, "::1"), null));
    }

    @Test
    void tellsAMissingValueFromALiteralDash() {
        assertEquals("at=2026-11-26T21:00:00Z user=\"-\" outcome=invalid_request tier=- client=-",
                AuditLog.line(AuditEvent.of(AT, "-", "invalid_request", null, null), null));
        assertEquals("at=2026-11-26T21:00:00Z user=- outcome=invalid_request tier=- client=-",
                AuditLog.line(AuditEvent.of(AT, null, "invalid_request", null, null), null));
    }

    @Test
    void escapesControlCharactersAndEmptyValues() {
        assertEquals("at=2026-11-26T21:00:00Z user=\"a\\u0000b\\rc\\td\\u2028\" outcome=x tier=\"\" client=-",
                AuditLog.line(AuditEvent.of(AT, "a\u0000b\rc\td\u2028", "x", "", null), null));
    }

    @Test
    void refusesAnEventWithoutOutcome() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AuditEvent.of(AT, "a", " ", null, null));
        assertEquals("outcome must not be blank", e.getMessage());
    }
}
