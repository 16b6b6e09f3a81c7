package dev.holdfast.credential;

/**
 * The credential query ({@code holdfast.sql.user}) is wrong for this database: a missing column label, a table
 * that does not exist, no permission, more than one row for a username. An operator must fix the setting; it is
 * not an outage, so it never sends a login to the credential tier. The message names the setting and never
 * contains a username or a hash.
 */
public final class CredentialQueryException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    CredentialQueryException(String message, Throwable cause) {
        super(message, cause);
    }

    CredentialQueryException(String message) {
        super(message);
    }
}
