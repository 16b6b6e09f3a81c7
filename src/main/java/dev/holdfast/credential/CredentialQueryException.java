package dev.holdfast.credential;

/**
 * The credential query ({@code holdfast.sql.user}) is wrong for this database: a missing column label, a table
 * that does not exist, no permission, more than one row for a username. An operator must fix the setting; it is
 * not an outage, so it never sends a login to the credential tier. The message names the setting and never
 * contains a username or a hash; it carries no cause, because the driver's message can quote the bind value.
 */
public final class CredentialQueryException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    CredentialQueryException(String message) {
        super(message);
    }
}
