package dev.holdfast.spool;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.holdfast.testing.TestSecrets;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.UUID;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecordCodecTest {
    private static final UUID ID = UUID.fromString("123e4567-e89b-12d3-a456-426614174000");
    private final RecordCodec codec = new RecordCodec(TestSecrets.journalKey());

    @TempDir
    Path dir;

    private JournalRecord readBack(byte[] bytes) throws IOException {
        Path file = dir.resolve("segment");
        Files.write(file, bytes);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            return codec.read(channel, 0, bytes.length);
        }
    }

    /** What an attacker who can write the file but not read the key does: new content, same length, CRC fixed. */
    private static byte[] forge(byte[] record, int at, byte[] replacement) {
        byte[] forged = record.clone();
        System.arraycopy(replacement, 0, forged, at, replacement.length);
        CRC32C crc = new CRC32C();
        crc.update(forged, 4, 5);
        crc.update(forged, 13, forged.length - 13);
        ByteBuffer.wrap(forged).putInt(9, (int) crc.getValue());
        return forged;
    }

    @Test
    void readsBackWhatItWroteAsAuthentic() throws Exception {
        byte[] record = codec.encode(7, ID, 1_000L, "payload".getBytes(StandardCharsets.UTF_8));
        JournalRecord read = readBack(record);
        assertEquals(7, read.sequence());
        assertEquals(ID, read.id());
        assertEquals(1_000L, read.appendedAt().toEpochMilli());
        assertArrayEquals("payload".getBytes(StandardCharsets.UTF_8), read.payload());
        assertEquals(Authenticity.AUTHENTIC, read.authenticity());
        assertEquals(record.length, read.sizeOnDisk());
    }

    @Test
    void aPayloadRewrittenWithTheSameLengthAndARecomputedCrcFailsItsMac() throws Exception {
        byte[] record = codec.encode(1, ID, 1_000L, "INSERT INTO notes VALUES ('x')".getBytes(StandardCharsets.UTF_8));
        byte[] forged = forge(record, RecordCodec.HEADER_BYTES, "UPDATE users SET roles='admin'".getBytes(StandardCharsets.UTF_8));
        assertEquals(Authenticity.BAD_MAC, readBack(forged).authenticity());
    }

    @Test
    void everyAuthenticatedHeaderFieldIsCoveredByTheMac() throws Exception {
        byte[] record = codec.encode(1, ID, 1_000L, "p".getBytes(StandardCharsets.UTF_8));
        // sequence, id, appendedAt: a reordered or re-dated record does not pass
        for (int at : new int[] {13, 20, 21, 36, 37, 44}) {
            byte[] forged = forge(record, at, new byte[] {(byte) (record[at] ^ 0x40)});
            assertEquals(Authenticity.BAD_MAC, readBack(forged).authenticity(), "byte " + at);
        }
    }

    @Test
    void aRecordSealedUnderAnotherKeyIsToldApartFromAnEditedOne() throws Exception {
        byte[] other = new RecordCodec(TestSecrets.journalKey(TestSecrets.hmacSetting()))
                .encode(1, ID, 1_000L, "p".getBytes(StandardCharsets.UTF_8));
        assertEquals(Authenticity.OTHER_KEY, readBack(other).authenticity());
    }

    @Test
    void aVersionOneRecordIsReadAsUnsealed() throws Exception {
        byte[] payload = "old".getBytes(StandardCharsets.UTF_8);
        ByteBuffer v1 = ByteBuffer.allocate(RecordCodec.UNSEALED_HEADER_BYTES + payload.length);
        v1.putInt(RecordCodec.MAGIC).put((byte) 1).putInt(payload.length).putInt(0).putLong(3)
                .putLong(ID.getMostSignificantBits()).putLong(ID.getLeastSignificantBits()).putLong(5L).put(payload);
        byte[] bytes = v1.array();
        CRC32C crc = new CRC32C();
        crc.update(bytes, 4, 5);
        crc.update(bytes, 13, bytes.length - 13);
        v1.putInt(9, (int) crc.getValue());
        JournalRecord read = readBack(bytes);
        assertEquals(Authenticity.UNSEALED, read.authenticity());
        assertEquals(3, read.sequence());
        assertArrayEquals(payload, read.payload());
        assertEquals(bytes.length, read.sizeOnDisk());
    }

    @Test
    void framingDamageIsADamagedRecordNamingTheProblem() throws Exception {
        byte[] record = codec.encode(1, ID, 1_000L, "payload".getBytes(StandardCharsets.UTF_8));
        assertEquals("incomplete header", assertThrows(RecordCodec.DamagedRecordException.class,
                () -> readBack(Arrays.copyOf(record, 8))).getMessage());
        assertEquals("incomplete payload", assertThrows(RecordCodec.DamagedRecordException.class,
                () -> readBack(Arrays.copyOf(record, record.length - 1))).getMessage());
        byte[] flipped = record.clone();
        flipped[RecordCodec.HEADER_BYTES] ^= 1;
        assertEquals("CRC mismatch", assertThrows(RecordCodec.DamagedRecordException.class,
                () -> readBack(flipped)).getMessage());
        byte[] magic = record.clone();
        magic[0] = 0;
        assertEquals("bad magic", assertThrows(RecordCodec.DamagedRecordException.class,
                () -> readBack(magic)).getMessage());
    }
}
