package dev.holdfast.spool;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;
import java.util.UUID;
import java.util.zip.CRC32C;
import javax.crypto.Mac;

/**
 * Turns journal records into bytes and back. Big-endian, version 2:
 * <pre>
 * offset size field
 *  0     4    magic      0x48464A52 ("HFJR")
 *  4     1    version    2
 *  5     4    length     payload length in bytes
 *  9     4    crc        CRC32C of bytes 4..8 and 13..end
 * 13     8    sequence   strictly increasing, also across restarts
 * 21     16   id         UUID (most, then least significant 64 bits)
 * 37     8    appendedAt epoch milliseconds
 * 45     8    keyId      {@link JournalKey#id()} of the key that sealed it
 * 53     32   mac        HMAC-SHA256 under that key of bytes 4..8, 13..52 and the payload
 * 85     n    payload
 * </pre>
 * The two checks do different jobs. The CRC finds the end of what was written: a record that fails it is a
 * torn tail (the process died mid-write) or disk damage, and recovery cuts the segment there. The MAC finds
 * records that were written whole but not by Holdfast (or under another key): they keep their place in the
 * journal, are reported with their {@link Authenticity}, and are never replayed.
 *
 * <p>Version 1 records (a 45-byte header ending at {@code appendedAt}, no key id, no MAC) are still framed and
 * read, as {@link Authenticity#UNSEALED}, so a journal written by an older Holdfast is dead-lettered, not
 * replayed unchecked and not lost.
 */
final class RecordCodec {
    static final int MAGIC = 0x48464A52;
    static final byte VERSION = 2;
    static final byte UNSEALED_VERSION = 1;
    static final int HEADER_BYTES = 85;
    static final int UNSEALED_HEADER_BYTES = 45;
    /** Longest payload accepted; longer would be a bug, not a write. */
    static final int MAX_PAYLOAD_BYTES = 16 * 1024 * 1024;
    private static final int PREFIX_BYTES = 9;

    private final JournalKey key;

    RecordCodec(JournalKey key) {
        this.key = Objects.requireNonNull(key, "key");
    }

    long keyId() {
        return key.id();
    }

    /** The bytes of a sealed record. */
    byte[] encode(long sequence, UUID id, long appendedAtMillis, byte[] payload) {
        byte[] record = new byte[HEADER_BYTES + payload.length];
        ByteBuffer buffer = ByteBuffer.wrap(record);
        buffer.putInt(MAGIC).put(VERSION).putInt(payload.length).putInt(0)
                .putLong(sequence)
                .putLong(id.getMostSignificantBits()).putLong(id.getLeastSignificantBits())
                .putLong(appendedAtMillis)
                .putLong(key.id());
        System.arraycopy(payload, 0, record, HEADER_BYTES, payload.length);
        System.arraycopy(mac(record), 0, record, 53, JournalKey.MAC_BYTES);
        buffer.putInt(9, crc(record));
        return record;
    }

    /**
     * The whole record at {@code offset} of a segment of {@code size} bytes.
     *
     * @throws DamagedRecordException when there is no whole record there whose CRC checks (a torn tail, garbage)
     * @throws IOException when the record has a version this Holdfast does not know (written by a newer one),
     *     or reading fails
     */
    JournalRecord read(FileChannel channel, long offset, long size) throws IOException {
        if (size - offset < PREFIX_BYTES) {
            throw new DamagedRecordException("incomplete header");
        }
        ByteBuffer prefix = ByteBuffer.allocate(PREFIX_BYTES);
        readFully(channel, prefix, offset);
        if (prefix.getInt(0) != MAGIC) {
            throw new DamagedRecordException("bad magic");
        }
        byte version = prefix.get(4);
        int headerBytes;
        if (version == VERSION) {
            headerBytes = HEADER_BYTES;
        } else if (version == UNSEALED_VERSION) {
            headerBytes = UNSEALED_HEADER_BYTES;
        } else {
            throw new IOException("journal record at offset " + offset + " has version " + version
                    + "; this holdfast reads version " + VERSION + " (written by a newer holdfast?)");
        }
        int length = prefix.getInt(5);
        if (size - offset < headerBytes) {
            throw new DamagedRecordException("incomplete header");
        }
        if (length < 0 || length > MAX_PAYLOAD_BYTES || length > size - offset - headerBytes) {
            throw new DamagedRecordException("incomplete payload");
        }
        byte[] record = new byte[headerBytes + length];
        readFully(channel, ByteBuffer.wrap(record), offset);
        ByteBuffer b = ByteBuffer.wrap(record);
        if (crc(record) != b.getInt(9)) {
            throw new DamagedRecordException("CRC mismatch");
        }
        long sequence = b.getLong(13);
        UUID id = new UUID(b.getLong(21), b.getLong(29));
        Instant appendedAt = Instant.ofEpochMilli(b.getLong(37));
        byte[] payload = new byte[length];
        System.arraycopy(record, headerBytes, payload, 0, length);
        if (version == UNSEALED_VERSION) {
            return new JournalRecord(sequence, id, appendedAt, payload, Authenticity.UNSEALED, 0, new byte[0],
                    record.length);
        }
        long keyId = b.getLong(45);
        byte[] mac = new byte[JournalKey.MAC_BYTES];
        System.arraycopy(record, 53, mac, 0, mac.length);
        Authenticity authenticity;
        if (keyId != key.id()) {
            authenticity = Authenticity.OTHER_KEY;
        } else if (MessageDigest.isEqual(mac, mac(record))) {
            authenticity = Authenticity.AUTHENTIC;
        } else {
            authenticity = Authenticity.BAD_MAC;
        }
        return new JournalRecord(sequence, id, appendedAt, payload, authenticity, keyId, mac, record.length);
    }

    /** The MAC stored in an encoded version 2 record. */
    static byte[] macOf(byte[] record) {
        return Arrays.copyOfRange(record, 53, 53 + JournalKey.MAC_BYTES);
    }

    /** The MAC of a version 2 record: everything but the magic, the CRC and the MAC itself. */
    private byte[] mac(byte[] record) {
        Mac mac = key.newMac();
        mac.update(record, 4, 5);
        mac.update(record, 13, 40);
        mac.update(record, HEADER_BYTES, record.length - HEADER_BYTES);
        return mac.doFinal();
    }

    private static int crc(byte[] record) {
        CRC32C crc = new CRC32C();
        crc.update(record, 4, 5);
        crc.update(record, 13, record.length - 13);
        return (int) crc.getValue();
    }

    static void readFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        long at = position;
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, at);
            if (n < 0) {
                throw new IOException("unexpected end of journal segment at " + at);
            }
            at += n;
        }
    }

    /** Whole bytes on disk but not a valid record: where recovery cuts a segment. */
    static final class DamagedRecordException extends IOException {
        private static final long serialVersionUID = 1L;

        DamagedRecordException(String problem) {
            super(problem);
        }
    }
}
