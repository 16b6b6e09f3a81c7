package dev.holdfast.spool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeadLettersTest {
    private static final Instant NOW = Instant.parse("2026-11-29T07:00:00Z");

    @TempDir
    Path dir;

    private static JournalRecord record(long sequence, Authenticity authenticity) {
        return new JournalRecord(sequence, UUID.randomUUID(), NOW, "p\"\n".getBytes(StandardCharsets.UTF_8),
                authenticity, 0x0102030405060708L, new byte[32], 100);
    }

    private static Map<String, String> fields(String line) throws Exception {
        Map<String, String> fields = new HashMap<>();
        try (JsonParser parser = new JsonFactory().createParser(line)) {
            assertEquals(JsonToken.START_OBJECT, parser.nextToken());
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                parser.nextToken();
                fields.put(name, parser.currentToken() == JsonToken.VALUE_NULL ? null : parser.getText());
            }
        }
        return fields;
    }

    @Test
    void writesOneJsonLinePerLetterWithItsCauseAndCountsThemAgainAtOpen() throws Exception {
        DeadLetters letters = DeadLetters.open(dir);
        letters.refused(NOW, record(1, Authenticity.AUTHENTIC), Optional.of("23505"), Optional.of("dup \"k\"\nv"));
        letters.unauthentic(NOW, record(2, Authenticity.BAD_MAC));
        assertEquals(2, letters.count());
        assertEquals(1, letters.rejected());

        List<String> lines = Files.readAllLines(dir.resolve("dead-letters.jsonl"));
        assertEquals(2, lines.size());
        Map<String, String> refused = fields(lines.get(0));
        assertEquals("database", refused.get("cause"));
        assertEquals("23505", refused.get("sqlState"));
        assertEquals("dup \"k\"\nv", refused.get("message"));
        assertEquals("0102030405060708", refused.get("keyId"));
        Map<String, String> rejected = fields(lines.get(1));
        assertEquals("authentication", rejected.get("cause"));
        assertEquals(null, rejected.get("sqlState"));
        assertEquals("record its MAC does not check", rejected.get("message"));

        DeadLetters again = DeadLetters.open(dir);
        assertEquals(2, again.count());
        assertEquals(1, again.rejected());
    }

    @Test
    void aLineTornByACrashStillCountsAndTheNextStartsOnAFreshLine() throws Exception {
        Files.writeString(dir.resolve("dead-letters.jsonl"), "{\"deadAt\":\"x\",\"cause\":\"authentication\"}\n{\"dead",
                StandardOpenOption.CREATE);
        DeadLetters letters = DeadLetters.open(dir);
        assertEquals(1, letters.count());
        assertEquals(1, letters.rejected());
        letters.unauthentic(NOW, record(3, Authenticity.OTHER_KEY));
        List<String> lines = Files.readAllLines(dir.resolve("dead-letters.jsonl"));
        assertEquals(3, lines.size());
        assertTrue(lines.get(2).startsWith("{\"deadAt\":"), lines.get(2));
        assertEquals(3, DeadLetters.open(dir).count());
        assertEquals(2, DeadLetters.open(dir).rejected());
    }
}
