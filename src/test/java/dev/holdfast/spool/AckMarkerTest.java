package dev.holdfast.spool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AckMarkerTest {
    @TempDir
    Path dir;

    @Test
    void readsZeroWithoutAMarkerAndWhatWasWrittenAfter() throws Exception {
        AckMarker marker = new AckMarker(dir);
        assertEquals(0, marker.read());
        marker.write(42);
        assertEquals("acknowledged 42\n", Files.readString(dir.resolve("acknowledged")));
        assertEquals(42, new AckMarker(dir).read());
        assertFalse(Files.exists(dir.resolve("acknowledged.tmp")), "renamed, not left behind");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("acknowledged"))));
    }

    @Test
    void aTemporaryFileACrashLeftIsDroppedAndTheOldMarkerStands() throws Exception {
        new AckMarker(dir).write(7);
        Files.writeString(dir.resolve("acknowledged.tmp"), "acknowledged 9");
        assertEquals(7, new AckMarker(dir).read());
        assertFalse(Files.exists(dir.resolve("acknowledged.tmp")));
    }

    @Test
    void refusesToGuessAnUnreadableMarker() throws Exception {
        Files.writeString(dir.resolve("acknowledged"), "acknowledged -1\n");
        IOException e = assertThrows(IOException.class, () -> new AckMarker(dir).read());
        assertTrue(e.getMessage().endsWith("acknowledged does not read 'acknowledged <sequence>'"), e.getMessage());
    }
}
