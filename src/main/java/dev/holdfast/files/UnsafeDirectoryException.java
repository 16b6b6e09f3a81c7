package dev.holdfast.files;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A directory Holdfast would keep records or credentials in that someone else could read, replace or redirect.
 * The message reads {@code <directory> <reason>}; {@link #reason()} alone lets the caller name the setting.
 */
public final class UnsafeDirectoryException extends IOException {
    private static final long serialVersionUID = 1L;

    private final transient Path directory;
    private final String reason;

    UnsafeDirectoryException(Path directory, String reason) {
        super(directory + " " + reason);
        this.directory = directory;
        this.reason = reason;
    }

    public Path directory() {
        return directory;
    }

    /** E.g. {@code is a symbolic link}, {@code is owned by [x], not by [y], the user Holdfast runs as}. */
    public String reason() {
        return reason;
    }
}
