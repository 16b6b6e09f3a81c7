package dev.holdfast;

/**
 * Neither the database nor the journal could take a critical write: nothing was saved and the application
 * must tell its user so. Happens only when the database cannot answer and the journal is full
 * ({@code maxBytes}) or cannot be written (disk error). Checked, because that is a real outcome an app
 * has to handle, not a bug.
 */
public final class WritesUnavailableException extends Exception {
    private static final long serialVersionUID = 1L;

    WritesUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
