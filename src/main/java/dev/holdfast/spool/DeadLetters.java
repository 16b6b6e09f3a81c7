package dev.holdfast.spool;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.holdfast.files.PrivateDirectory;
import dev.holdfast.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;

/**
 * The file {@code dead-letters.jsonl}: one JSON object per record that will not be replayed, fsync'd, kept
 * until an operator deals with it:
 * <pre>
 * {"deadAt":..,"sequence":..,"id":..,"appendedAt":..,"sqlState":..|null,"message":..|null,"payload":"<Base64>",
 *  "cause":"database"|"authentication","keyId":"<16 hex digits>"|null,"mac":"<Base64>"|null}
 * </pre>
 * {@code cause} says why: the database refused the statement (with its SQLState and message), or the record
 * failed authentication (its {@code message} says how). The key id and MAC are kept so a record sealed under an
 * earlier key can still be checked against it.
 */
final class DeadLetters {
    static final String FILE = "dead-letters.jsonl";
    static final String DATABASE = "database";
    static final String AUTHENTICATION = "authentication";

    private final Path directory;
    private final Path file;
    private long count;
    private long rejected;

    private DeadLetters(Path directory) {
        this.directory = directory;
        this.file = directory.resolve(FILE);
    }

    /** Counts what an earlier run left: whole lines, and among them those that failed authentication. */
    static DeadLetters open(Path directory) throws IOException {
        DeadLetters letters = new DeadLetters(directory);
        if (Files.exists(letters.file)) {
            byte[] bytes = Files.readAllBytes(letters.file);
            int start = 0;
            for (int i = 0; i < bytes.length; i++) {
                if (bytes[i] == '\n') {
                    letters.count++;
                    if (causeOf(bytes, start, i - start).filter(AUTHENTICATION::equals).isPresent()) {
                        letters.rejected++;
                    }
                    start = i + 1;
                }
            }
        }
        return letters;
    }

    private static Optional<String> causeOf(byte[] bytes, int offset, int length) {
        try (JsonParser parser = Json.parser(bytes, offset, length)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return Optional.empty();
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                if ("cause".equals(name) && value == JsonToken.VALUE_STRING) {
                    return Optional.of(parser.getText());
                }
                parser.skipChildren();
            }
            return Optional.empty();
        } catch (IOException e) {
            // A line torn by a crash, or edited: it still counts as a dead letter, with no known cause.
            return Optional.empty();
        }
    }

    /** A record the database refused, with its SQLState and message (either may be absent). */
    void refused(Instant now, JournalRecord record, Optional<String> sqlState, Optional<String> message)
            throws IOException {
        append(line(now, record, sqlState, message, DATABASE));
    }

    /** A record that failed authentication: never replayed. */
    void unauthentic(Instant now, JournalRecord record) throws IOException {
        append(line(now, record, Optional.empty(), Optional.of("record " + record.authenticity().description()),
                AUTHENTICATION));
        rejected++;
    }

    long count() {
        return count;
    }

    /** Lines whose cause is {@value #AUTHENTICATION}. */
    long rejected() {
        return rejected;
    }

    private static byte[] line(Instant now, JournalRecord record, Optional<String> sqlState, Optional<String> message,
                               String cause) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        Json.write(bytes, json -> {
            json.writeStartObject();
            json.writeStringField("deadAt", now.toString());
            json.writeNumberField("sequence", record.sequence());
            json.writeStringField("id", record.id().toString());
            json.writeStringField("appendedAt", record.appendedAt().toString());
            writeOptional(json, "sqlState", sqlState);
            writeOptional(json, "message", message);
            json.writeStringField("payload", Base64.getEncoder().encodeToString(record.payload()));
            json.writeStringField("cause", cause);
            boolean sealed = record.authenticity() != Authenticity.UNSEALED;
            writeOptional(json, "keyId", sealed ? Optional.of(String.format("%016x", record.keyId())) : Optional.empty());
            writeOptional(json, "mac", sealed ? Optional.of(Base64.getEncoder().encodeToString(record.mac()))
                    : Optional.empty());
            json.writeEndObject();
        });
        bytes.write('\n');
        return bytes.toByteArray();
    }

    private static void writeOptional(JsonGenerator json, String name, Optional<String> value) throws IOException {
        if (value.isPresent()) {
            json.writeStringField(name, value.get());
        } else {
            json.writeNullField(name);
        }
    }

    private void append(byte[] line) throws IOException {
        boolean created = !Files.exists(file);
        try (FileChannel channel = PrivateDirectory.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            long end = channel.size();
            long at = end;
            if (end > 0) {
                ByteBuffer lastByte = ByteBuffer.allocate(1);
                RecordCodec.readFully(channel, lastByte, end - 1);
                if (lastByte.get(0) != '\n') {
                    // A crash tore the previous line: start ours on a fresh one.
                    channel.write(ByteBuffer.wrap(new byte[] {'\n'}), at);
                    at++;
                }
            }
            ByteBuffer buffer = ByteBuffer.wrap(line);
            while (buffer.hasRemaining()) {
                channel.write(buffer, at + buffer.position());
            }
            channel.force(true);
        }
        if (created) {
            SegmentFiles.forceDirectory(directory);
        }
        count++;
    }
}
