package dev.holdfast.spool;

/**
 * The journal holds {@code maxBytes} of records the database has not yet taken: appending more would
 * exceed the bound an operator set. Nothing was written. The message says how full and since when.
 */
public final class JournalFullException extends Exception {
    private static final long serialVersionUID = 1L;

    JournalFullException(String message) {
        super(message);
    }
}
