package dev.holdfast.spool;

import dev.holdfast.files.PrivateDirectory;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The file {@code acknowledged}: one line, {@code acknowledged <N>}: every record with sequence &lt;= N has been
 * applied or dead-lettered. Written to {@code acknowledged.tmp}, fsync'd, renamed over the old one and the
 * directory fsync'd, so after a crash it holds either the old or the new N, never a torn value.
 */
final class AckMarker {
    static final String FILE = "acknowledged";
    private static final String TEMPORARY = FILE + ".tmp";
    private static final Pattern LINE = Pattern.compile("acknowledged (\\d{1,19})");

    private final Path directory;

    AckMarker(Path directory) {
        this.directory = directory;
    }

    /**
     * The acknowledged sequence, 0 when there is no marker yet. A leftover temporary file (a crash before the
     * rename) is removed: the marker it would have replaced is still the truth.
     *
     * @throws IOException when the marker does not read {@code acknowledged <N>}: a wrong guess would either
     *     replay everything or skip records
     */
    long read() throws IOException {
        Files.deleteIfExists(directory.resolve(TEMPORARY));
        Path file = directory.resolve(FILE);
        String text;
        try {
            text = new String(Files.readAllBytes(file), StandardCharsets.US_ASCII).trim();
        } catch (NoSuchFileException e) {
            return 0;
        }
        Matcher m = LINE.matcher(text);
        if (!m.matches()) {
            throw new IOException("journal " + directory + ": " + file.getFileName()
                    + " does not read 'acknowledged <sequence>'");
        }
        return Long.parseLong(m.group(1));
    }

    /** Durably replaces the marker with {@code sequence}. */
    void write(long sequence) throws IOException {
        Path tmp = directory.resolve(TEMPORARY);
        try (FileChannel channel = PrivateDirectory.open(tmp, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            ByteBuffer text = ByteBuffer.wrap(("acknowledged " + sequence + "\n").getBytes(StandardCharsets.US_ASCII));
            while (text.hasRemaining()) {
                channel.write(text);
            }
            channel.force(true);
        }
        try {
            Files.move(tmp, directory.resolve(FILE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("journal " + directory + " needs a file system with atomic rename", e);
        }
        SegmentFiles.forceDirectory(directory);
    }
}
