package dev.holdfast.spool;

/** Whether a journal record was sealed by Holdfast under the journal's key; only {@link #AUTHENTIC} ones replay. */
public enum Authenticity {
    /** Its MAC checks under the journal's key. */
    AUTHENTIC("authentic"),
    /** Sealed under another key (the secret changed since it was written). */
    OTHER_KEY("sealed under another key"),
    /** Claims the journal's key but its MAC does not check: edited after it was written. */
    BAD_MAC("its MAC does not check"),
    /** Written by a Holdfast before records were authenticated (record version 1). */
    UNSEALED("written unauthenticated by an older holdfast");

    private final String description;

    Authenticity(String description) {
        this.description = description;
    }

    /** For log lines and dead letters, e.g. {@code its MAC does not check}. */
    public String description() {
        return description;
    }
}
