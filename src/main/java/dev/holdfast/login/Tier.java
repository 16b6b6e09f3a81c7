package dev.holdfast.login;

import java.util.Locale;

/** Which tier verified the password; the {@code tier} claim and response field. */
public enum Tier {
    /** The main database answered. */
    DATABASE,
    /** The main database could not answer; a recently verified copy of the hash did. */
    CACHE,
    /** The break-glass endpoint, through its own pool or the credential tier. */
    EMERGENCY;

    /** The wire name: {@code database}, {@code cache}, {@code emergency}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
